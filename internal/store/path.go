package store

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// DefaultPath is where the SQLite database lives when no --db is given:
// rampart/rampart.db under the user's data directory ($XDG_DATA_HOME or
// ~/.local/share on Unix, ~/Library/Application Support on macOS,
// %LocalAppData% on Windows).
func DefaultPath() (string, error) {
	dir, err := userDataDir()
	if err != nil {
		return "", fmt.Errorf("finding the user's data directory: %w (give the database with --db)", err)
	}
	return filepath.Join(dir, "rampart", "rampart.db"), nil
}

func userDataDir() (string, error) {
	switch runtime.GOOS {
	case "windows":
		if d := os.Getenv("LocalAppData"); d != "" {
			return d, nil
		}
		return os.UserConfigDir()
	case "darwin", "ios":
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(home, "Library", "Application Support"), nil
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return d, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "share"), nil
}
