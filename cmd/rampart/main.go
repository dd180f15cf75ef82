// Command rampart is a threat-management tool: it reads a system model
// written as code, identifies threats, scores risk and reports on it.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/rampart-sec/rampart/internal/atomicfile"
)

// Exit codes shared by every command (documented in the README).
const (
	exitOK          = 0
	exitFindings    = 1   // risk above appetite, or an invalid model
	exitUsage       = 2   // usage error, unreadable input, failed output
	exitInterrupted = 130 // Ctrl-C (128 + SIGINT)
)

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// fail returns an error that exits with code; a nil err exits quietly.
func fail(code int, err error) error { return &exitError{code: code, err: err} }

// version is the release version: set with -ldflags "-X main.version=v1.2.3"
// by the release build, else taken from the module's build information.
var version = ""

// buildVersion returns the version: the release's, the module version of
// 'go install ...@v1.2.3', or the VCS revision of a build from a clone.
func buildVersion() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if rev != "" {
		return "dev-" + rev[:min(12, len(rev))] + dirty
	}
	return "dev"
}

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		cancel() // the first Ctrl-C stops the work: the command cleans up and exits 130
		<-sigs
		atomicfile.RemoveTemporary()
		fmt.Fprintln(os.Stderr, "\nrampart: interrupted")
		os.Exit(exitInterrupted) // the second exits at once
	}()
	setCollectorTarget(batchGCPercent)
	var stdout io.Writer = os.Stdout
	if stdoutWasClosed() {
		stdout = closedOutput{}
	}
	code := run(ctx, os.Args[1:], os.Stdin, stdout, os.Stderr)
	os.Exit(code)
}

// closedOutput stands for a standard output that was closed.
type closedOutput struct{}

func (closedOutput) Write([]byte) (int, error) {
	return 0, errors.New("standard output is closed")
}

// run executes the CLI with args and returns the process exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	out := &outWriter{w: stdout}
	root := newRootCmd(stdin, out, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	code := exitOK
	var ee *exitError
	switch {
	case err != nil && ctx.Err() != nil:
		// Whatever failed once the work was cancelled failed because of it.
		atomicfile.RemoveTemporary() // of writes abandoned on the way
		fmt.Fprintln(stderr, "rampart: interrupted")
		return exitInterrupted
	case errors.As(err, &ee):
		if ee.err != nil {
			fmt.Fprintln(stderr, "rampart:", ee.err)
		}
		code = ee.code
	case err != nil:
		// Anything cobra reports itself (unknown flag, wrong arguments) is a usage error.
		fmt.Fprintln(stderr, "rampart:", err)
		fmt.Fprintln(stderr, "Run 'rampart --help' for usage.")
		code = exitUsage
	}
	if werr := out.failed(); werr != nil {
		fmt.Fprintln(stderr, "rampart: write standard output:", werr)
		code = max(code, exitUsage)
	}
	return code
}

func newRootCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var verbose bool
	root := &cobra.Command{
		Use:   "rampart",
		Short: "Threat modelling as code: model, identify, assess, treat and report",
		Long: `Rampart reads a system model written in YAML (components, data, flows,
trust boundaries, controls), identifies threats, scores risk against your
appetite and reports it for people and machines.

Exit status of every command: 0 ok; 1 risk above the appetite or an invalid
model; 2 usage error, unreadable input or failed output; 130 interrupted.`,
		Version:       buildVersion(),
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRun: func(cmd *cobra.Command, _ []string) {
			level := slog.LevelWarn
			if verbose {
				level = slog.LevelDebug
			}
			slog.SetDefault(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})))
		},
	}
	root.SetVersionTemplate(versionLine() + "\n")
	root.PersistentFlags().BoolVarP(&verbose, "verbose", "v", false, "log what rampart does to stderr")
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(flagError)
	root.AddCommand(
		newValidateCmd(),
		newSchemaCmd(),
		newVersionCmd(),
	)
	for _, add := range extraCommands {
		root.AddCommand(add())
	}
	return root
}

// flagError adds "did you mean" to an unknown flag.
func flagError(cmd *cobra.Command, err error) error {
	name, ok := strings.CutPrefix(err.Error(), "unknown flag: --")
	if !ok {
		return err
	}
	var names []string
	cmd.Flags().VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
	cmd.InheritedFlags().VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
	if s := suggestID(name, names); s != "" {
		return fmt.Errorf("%w (did you mean --%s?)", err, s)
	}
	return err
}

// extraCommands lets each command file register itself.
var extraCommands []func() *cobra.Command

func versionLine() string {
	return fmt.Sprintf("rampart %s (model schema %d)", buildVersion(), modelSchemaVersion)
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(cmd.OutOrStdout(), versionLine())
			return nil
		},
	}
}
