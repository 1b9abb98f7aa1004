// compose-check loads a Compose file with compose-go, the loader Docker Compose itself uses,
// so the file is validated against the Compose specification without a Docker engine.
// It prints the resolved services as JSON for the test to inspect.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/compose-spec/compose-go/v2/cli"
)

type service struct {
	Image       string            `json:"image"`
	Build       bool              `json:"build"`
	Environment map[string]string `json:"environment"`
	DependsOn   []string          `json:"dependsOn"`
	Command     []string          `json:"command"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: compose-check <compose file>")
		os.Exit(2)
	}
	options, err := cli.NewProjectOptions([]string{os.Args[1]}, cli.WithOsEnv, cli.WithName("netswim"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out := map[string]service{}
	for name, s := range project.Services {
		env := map[string]string{}
		for k, v := range s.Environment {
			if v != nil {
				env[k] = *v
			}
		}
		deps := []string{}
		for dep := range s.DependsOn {
			deps = append(deps, dep)
		}
		out[name] = service{Image: s.Image, Build: s.Build != nil, Environment: env, DependsOn: deps, Command: s.Command}
	}
	encoded, _ := json.Marshal(out)
	fmt.Println(string(encoded))
}
