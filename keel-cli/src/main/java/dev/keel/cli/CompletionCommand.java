package dev.keel.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code keel completion}: the bash/zsh completion script. */
@Command(
        name = "completion",
        mixinStandardHelpOptions = true,
        description = {
            "Prints a bash/zsh completion script for keel.",
            "bash:  source <(./keel completion)",
            "zsh:   autoload -U +X bashcompinit && bashcompinit && source <(./keel completion)"
        })
final class CompletionCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().getOut().print(AutoComplete.bash("keel", spec.root().commandLine()));
        spec.commandLine().getOut().flush();
    }
}
