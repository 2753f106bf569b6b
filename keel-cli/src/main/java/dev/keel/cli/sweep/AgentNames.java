package dev.keel.cli.sweep;

import dev.keel.core.Ids;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An agent's name as trials record it: host, process id and a random part (pids repeat across machines and restarts). */
final class AgentNames {
    private AgentNames() {}

    static String current() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return host + ":" + ProcessHandle.current().pid() + ":" + Ids.newRunId().substring(0, 4);
    }
}
