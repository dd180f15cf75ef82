package threats

import (
	"math/bits"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
)

// Trait is a property a kind of component usually has, e.g. "serves web
// pages" or "collects secrets". Rules reason on traits rather than on type
// names, so that one rule covers every way of writing a technology. A
// component's traits come from its type and from the words of its
// technology text, matched as whole words or hyphenated phrases:
// "HashiCorp Vault" names "vault", "Interpreter service" does not name "erp".
type Trait uint64

// The traits, in the order of their names in TraitNames.
const (
	TraitWebApp            Trait = 1 << iota // renders web pages or serves a web UI
	TraitWebService                          // answers API calls (REST, SOAP, GraphQL)
	TraitServesWeb                           // meant to answer web requests from the internet directly
	TraitServesFiles                         // meant to answer file transfers from the internet
	TraitFrontend                            // the front side of a system
	TraitBackend                             // the back side of a system
	TraitClient                              // a client device or program used by a person or a device
	TraitDevOpsClient                        // a developer's or operator's workstation
	TraitForwarder                           // forwards traffic without acting on it
	TraitLoadBalancer                        // spreads traffic over instances
	TraitWAF                                 // a web application firewall
	TraitNoStorage                           // keeps nothing at rest
	TraitMonitoring                          // security tooling that may see everything (monitoring, SIEM, IDS)
	TraitNearHighValue                       // may sit next to high-value targets by design
	TraitNoSegmentation                      // needs no network segment of its own
	TraitLessProtected                       // typically exposed or weakly hardened
	TraitHighValue                           // a high-value target (application servers, IdPs, ERP)
	TraitEndUserRequests                     // processes requests on behalf of end users
	TraitPropagates                          // can pass the caller's identity on
	TraitIdentity                            // an identity provider or identity store
	TraitIdentityProvider                    // issues identities (IdP, SSO)
	TraitIdentityStore                       // holds credentials or identities
	TraitVault                               // a secrets vault
	TraitQueryable                           // a data store that evaluates queries (SQL or NoSQL)
	TraitSearch                              // a search engine or index
	TraitServiceRegistry                     // a service registry or discovery service
	TraitFileSystem                          // a file system or file server
	TraitUserData                            // usually keeps end users' data
	TraitContainerPlatform                   // runs other workloads' containers
	TraitDevRelevant                         // part of development or delivery (repositories, pipelines, registries)
	TraitSecrets                             // tends to collect secrets (repositories, registries)
	TraitBuildPipeline                       // a CI/CD pipeline
	TraitSourceRepo                          // a source code repository
	TraitCodeInspection                      // a static analysis platform
	TraitIoT                                 // a connected device
	TraitLLM                                 // is or wraps a large language model (or an LLM framework)
	TraitAgent                               // lets a model decide which tools to call (an AI agent)
	TraitAITool                              // a tool an AI agent calls (an MCP server, a function tool)
	TraitVectorStore                         // keeps embeddings that retrieval queries
	TraitModelStore                          // keeps model weights (a model registry)
	TraitTraining                            // trains or fine-tunes models
	TraitDataset                             // holds training or evaluation data
)

// TraitNames are the traits' names as custom rules see them, in bit order.
var TraitNames = []string{
	"web-app", "web-service", "serves-web", "serves-files", "frontend", "backend", "client", "devops-client",
	"forwarder", "load-balancer", "waf", "no-storage", "monitoring", "near-high-value", "no-segmentation",
	"less-protected", "high-value", "end-user-requests", "propagates-identity", "identity", "identity-provider",
	"identity-store", "vault", "queryable", "search", "service-registry", "file-system", "user-data",
	"container-platform", "dev-relevant", "secrets", "build-pipeline", "source-repository", "code-inspection", "iot",
	"llm", "ai-agent", "ai-tool", "vector-store", "model-store", "training", "dataset",
}

// Names returns the names of the traits in t, in bit order.
func (t Trait) Names() []string {
	var out []string
	for t != 0 {
		i := bits.TrailingZeros64(uint64(t))
		out = append(out, TraitNames[i])
		t &^= 1 << i
	}
	return out
}

// CIProducts are the CI/CD systems recognised in a technology text; a
// process naming one is a build pipeline.
var CIProducts = []string{
	"ci", "ci-cd", "continuous-integration", "jenkins", "github-actions", "gitlab-ci", "circleci", "teamcity",
	"bamboo", "tekton", "azure-pipelines", "buildkite", "drone-ci", "argocd", "argo-cd", "spinnaker",
}

// LLMProducts are the words of a technology text that name a large
// language model, a model service or an LLM framework.
var LLMProducts = []string{
	"llm", "gpt", "openai", "anthropic", "claude", "gemini", "llama", "mistral", "bedrock", "vertex-ai",
	"langchain", "llamaindex", "ollama", "hugging-face", "huggingface", "vllm", "llama-cpp", "azure-openai",
}

// AgentProducts are the words of a technology text that name an agent
// framework: a process that lets a model pick the tools it calls.
var AgentProducts = []string{
	"ai-agent", "langgraph", "crewai", "autogen", "semantic-kernel", "openai-agents", "agents-sdk",
}

// Trait groups shared by several words.
const (
	webApp       = TraitWebApp | TraitLessProtected | TraitEndUserRequests | TraitPropagates
	appServer    = webApp | TraitHighValue
	webService   = TraitWebService | TraitBackend | TraitLessProtected | TraitEndUserRequests | TraitPropagates
	client       = TraitClient | TraitFrontend | TraitLessProtected | TraitPropagates
	idp          = TraitIdentity | TraitIdentityProvider | TraitBackend | TraitHighValue | TraitWebApp | TraitPropagates
	identStore   = TraitIdentity | TraitIdentityStore | TraitBackend
	database     = TraitBackend | TraitQueryable | TraitUserData
	sourceRepo   = TraitSourceRepo | TraitDevRelevant | TraitSecrets | TraitLessProtected
	registry     = TraitDevRelevant | TraitSecrets | TraitLessProtected
	pipeline     = TraitBuildPipeline | TraitDevRelevant | TraitLessProtected
	containers   = TraitContainerPlatform | TraitBackend
	monitoring   = TraitMonitoring | TraitNearHighValue | TraitLessProtected
	intrusionDet = TraitMonitoring | TraitNearHighValue | TraitNoSegmentation | TraitNoStorage
	waf          = TraitWAF | TraitForwarder | TraitFrontend | TraitNoSegmentation | TraitPropagates | TraitNoStorage | TraitServesWeb
	loadBalancer = TraitLoadBalancer | TraitForwarder | TraitNearHighValue | TraitFrontend | TraitPropagates | TraitNoStorage
	webServer    = webApp | TraitServesWeb
	search       = TraitBackend | TraitSearch
	codeInspect  = TraitCodeInspection | TraitDevRelevant | TraitLessProtected
	queue        = TraitBackend | TraitPropagates | TraitUserData
	iot          = client | TraitIoT
	agent        = TraitLLM | TraitAgent | TraitBackend | TraitPropagates
	aiTool       = TraitAITool | TraitBackend | TraitPropagates
	vectorStore  = TraitVectorStore | TraitBackend | TraitSearch
	modelStore   = TraitModelStore | TraitDevRelevant | TraitBackend
	dataset      = TraitDataset | TraitBackend
	training     = TraitTraining | TraitDevRelevant | TraitBackend
)

// traitWords gives the traits of component types and of the words and
// hyphenated phrases of technology texts: the generic technology names
// Threagile models use and common products.
var traitWords = func() map[string]Trait {
	w := map[string]Trait{
		// Component types.
		"web-application":     webServer,
		"web-server":          webServer,
		"api":                 webService,
		"service":             TraitBackend | TraitPropagates,
		"serverless-function": TraitPropagates,
		"batch-job":           TraitBackend,
		"identity-provider":   idp,
		"load-balancer":       loadBalancer,
		"reverse-proxy":       TraitForwarder | TraitNearHighValue | TraitFrontend | TraitNoSegmentation | TraitPropagates | TraitNoStorage | TraitServesWeb,
		"api-gateway":         TraitFrontend | TraitPropagates | TraitServesWeb,
		"gateway":             TraitFrontend | TraitPropagates | TraitServesWeb | TraitServesFiles,
		"waf":                 waf,
		"message-broker":      TraitBackend | TraitPropagates,
		"build-pipeline":      pipeline,
		"container-platform":  containers,
		"monitoring":          monitoring,
		"vault":               TraitBackend | TraitVault,
		"mobile-app":          client,
		"desktop-app":         client,
		"browser":             client,
		"iot-device":          iot,
		"database":            database,
		"cache":               TraitBackend,
		"datastore":           TraitBackend,
		"file-storage":        TraitBackend | TraitFileSystem | TraitUserData,
		"object-storage":      TraitBackend | TraitUserData,
		"queue":               queue,
		"search-index":        search,
		"log-store":           TraitBackend,
		"source-repository":   sourceRepo,
		"artifact-registry":   registry,
		"identity-store":      identStore,
		"llm":                 TraitLLM | TraitBackend,
		"ai-agent":            agent,
		"ai-tool":             aiTool,
		"training-pipeline":   training,
		"vector-store":        vectorStore,
		"model-registry":      modelStore,
		"dataset":             dataset,

		// Technologies.
		"application-server":          appServer,
		"app-server":                  appServer,
		"tomcat":                      appServer,
		"jboss":                       appServer,
		"web-app":                     webApp,
		"erp":                         appServer | TraitBackend | TraitUserData,
		"cms":                         webApp | TraitFrontend,
		"wordpress":                   webApp | TraitFrontend,
		"report-engine":               TraitWebApp | TraitEndUserRequests | TraitPropagates,
		"nginx":                       webServer,
		"httpd":                       webServer,
		"apache-httpd":                webServer,
		"apache-http-server":          webServer,
		"apache-webserver":            webServer,
		"apache-web-server":           webServer,
		"web-service-rest":            webService,
		"web-service-soap":            webService,
		"rest-api":                    webService,
		"soap-api":                    webService,
		"graphql":                     webService,
		"ejb":                         TraitBackend | TraitLessProtected | TraitEndUserRequests | TraitPropagates,
		"web-application-firewall":    waf,
		"modsecurity":                 waf,
		"lb":                          loadBalancer,
		"hashicorp-vault":             TraitBackend | TraitVault,
		"hsm":                         TraitBackend,
		"keycloak":                    idp,
		"idp":                         idp,
		"identity-store-database":     identStore | TraitQueryable,
		"identity-store-ldap":         identStore,
		"ldap-server":                 identStore,
		"active-directory":            identStore,
		"client-system":               client,
		"desktop":                     client,
		"web-browser":                 client,
		"devops-client":               client | TraitDevOpsClient | TraitDevRelevant,
		"nexus":                       registry,
		"artifactory":                 registry,
		"harbor":                      registry,
		"sourcecode-repository":       sourceRepo,
		"git":                         sourceRepo,
		"gitlab":                      sourceRepo,
		"github":                      sourceRepo,
		"bitbucket":                   sourceRepo,
		"code-inspection-platform":    codeInspect,
		"code-inspection":             codeInspect,
		"code-analysis":               codeInspect,
		"sonarqube":                   codeInspect,
		"kubernetes":                  containers,
		"openshift":                   containers,
		"docker":                      containers,
		"db":                          database,
		"postgresql":                  database,
		"postgres":                    database,
		"mysql":                       database,
		"mariadb":                     database,
		"oracle":                      database,
		"mssql":                       database,
		"sql-server":                  database,
		"mongodb":                     database,
		"cassandra":                   database,
		"couchdb":                     database,
		"dynamodb":                    database,
		"redis":                       database,
		"cosmosdb":                    database,
		"data-lake":                   TraitBackend,
		"batch-processing":            TraitBackend,
		"big-data-platform":           TraitBackend,
		"block-storage":               TraitBackend | TraitUserData,
		"event-listener":              TraitBackend,
		"file-server":                 TraitBackend | TraitFileSystem | TraitUserData,
		"local-file-system":           TraitFileSystem | TraitUserData,
		"function":                    TraitPropagates,
		"ids":                         intrusionDet,
		"ips":                         intrusionDet,
		"intrusion-detection-system":  intrusionDet,
		"intrusion-prevention-system": intrusionDet,
		"siem":                        monitoring,
		"mail-server":                 TraitLessProtected | TraitUserData,
		"mainframe":                   TraitBackend | TraitLessProtected,
		"message-queue":               queue,
		"scheduler":                   TraitBackend | TraitLessProtected,
		"search-engine":               search | TraitPropagates,
		"elasticsearch":               search,
		"opensearch":                  search,
		"solr":                        search,
		"lucene":                      search,
		"service-mesh":                TraitBackend | TraitPropagates,
		"service-registry":            TraitServiceRegistry | TraitNoSegmentation,
		"service-discovery":           TraitServiceRegistry,
		"consul":                      TraitServiceRegistry,
		"eureka":                      TraitServiceRegistry,
		"zookeeper":                   TraitServiceRegistry,
		"stream-processing":           TraitBackend | TraitUserData,
		"library":                     TraitNoStorage,
		"mcp":                         aiTool,
		"mcp-server":                  aiTool,
		"model-context-protocol":      aiTool,
		"vector-database":             vectorStore,
		"vector-db":                   vectorStore,
		"pinecone":                    vectorStore,
		"weaviate":                    vectorStore,
		"qdrant":                      vectorStore,
		"milvus":                      vectorStore,
		"chroma":                      vectorStore,
		"chromadb":                    vectorStore,
		"pgvector":                    vectorStore,
		"faiss":                       vectorStore,
		"mlflow":                      modelStore,
		"kubeflow":                    training,
		"fine-tuning":                 training,
	}
	for _, p := range AgentProducts {
		w[p] |= agent
	}
	for _, p := range CIProducts {
		w[p] |= pipeline
	}
	for _, p := range LLMProducts {
		w[p] |= TraitLLM
	}
	return w
}()

// phraseWords is the longest technology phrase, in words, in traitWords.
const phraseWords = 4

// techWords splits a technology text into lower-case words of letters and digits.
func techWords(tech string) []string {
	return strings.FieldsFunc(strings.ToLower(tech), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
}

// techPhrases calls fn with the phrases of a technology text, longest
// match first: at each word, the longest run of up to phraseWords words
// (joined by dashes) that known(phrase) accepts is one phrase and the words
// after it come next ("GitHub Actions" is one phrase, not "github" and
// "actions"); a word that starts no known phrase is a phrase of its own.
// fn returns false to stop.
func techPhrases(tech string, known func(string) bool, fn func(phrase string) bool) {
	words := techWords(tech)
	for i := 0; i < len(words); {
		n, phrase := 1, words[i]
		p := words[i]
		for j := i + 1; j < len(words) && j < i+phraseWords; j++ {
			p += "-" + words[j]
			if known(p) {
				n, phrase = j-i+1, p
			}
		}
		if !fn(phrase) {
			return
		}
		i += n
	}
}

func knownWord(p string) bool { _, ok := traitWords[p]; return ok }

// TraitsOf returns the traits of a component from its type and technology.
// Env.Traits returns the same, computed once per component.
func TraitsOf(c *model.Component) Trait {
	t := traitWords[string(c.Type)]
	techPhrases(c.Technology, knownWord, func(p string) bool {
		t |= traitWords[p]
		return true
	})
	if c.Hosting == "device" {
		t |= TraitIoT
	}
	if c.Type == "external-entity" || c.Type == "user" || c.Type == "third-party-service" {
		return t &^ TraitBuildPipeline
	}
	if t&TraitBuildPipeline != 0 && c.Type.Kind() != model.KindProcess {
		t &^= TraitBuildPipeline
	}
	return t
}

// Traits returns a component's traits.
func (e *Env) Traits(c *model.Component) Trait {
	if i := position(e.M.Components, c); i >= 0 && i < len(e.comps) {
		return e.comps[i].traits
	}
	return TraitsOf(c)
}

// Is reports whether a component has every one of the traits.
func (e *Env) Is(c *model.Component, t Trait) bool { return c != nil && e.Traits(c)&t == t }

// IsAny reports whether a component has at least one of the traits.
func (e *Env) IsAny(c *model.Component, t Trait) bool { return c != nil && e.Traits(c)&t != 0 }

// TechIs reports whether a component is of one of the types, or its
// technology text names one of the words as a whole word or dashed phrase.
func TechIs(c *model.Component, words ...string) bool {
	if slices.Contains(words, string(c.Type)) {
		return true
	}
	found := false
	known := func(p string) bool { return knownWord(p) || slices.Contains(words, p) }
	techPhrases(c.Technology, known, func(p string) bool {
		found = slices.Contains(words, p)
		return !found
	})
	return found
}

// IsPerson reports whether a component is a person (a user).
func IsPerson(c *model.Component) bool { return c != nil && c.Type == "user" }

// IsClient reports whether a component is a client program or device used
// by a person or a machine: browser, mobile or desktop app, IoT device or
// workstation. Server-side controls (audit logging, rate limits) do not apply to it.
func (e *Env) IsClient(c *model.Component) bool { return e.Is(c, TraitClient) }

// Kind is a component's DFD kind: process, datastore or external-entity.
func Kind(c *model.Component) string { return c.Type.Kind() }

// HasTag reports whether tags contains tag.
func HasTag(tags []string, tag string) bool { return slices.Contains(tags, tag) }
