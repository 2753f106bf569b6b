package dev.keel.flow;

import java.util.List;

/**
 * One stage of a flow: a command with its inputs and outputs, or a group of sub-stages
 * ({@link #isGroup()}, no command of its own). {@code parent} is the group a sub-stage belongs
 * to; {@code after} names stages that must run first although no output of theirs is an input.
 * {@code line} is where keel.yaml declares it.
 */
public record Stage(
        String name,
        String parent,
        String command,
        List<Input> inputs,
        List<String> outputs,
        List<String> after,
        List<String> children,
        int line) {

    public Stage {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        after = List.copyOf(after);
        children = List.copyOf(children);
    }

    /** A group: it only holds sub-stages. */
    public boolean isGroup() {
        return command == null;
    }
}
