package dev.keel.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/kubernetes says what the code does: the agents' Job is an Indexed Job whose pods run the
 * {@code keel agent SWEEP} command line the agent tests run (parsed by the real command tree),
 * with the server's URL and the API key from a Secret; the server has a Deployment and a Service;
 * the image's entry point is the ./keel launcher, given the jar where the launcher looks for it.
 */
class DeployFilesTest {
    private static Path deploy;
    private static Path root;

    @BeforeAll
    static void findDeploy() {
        root = Path.of("").toAbsolutePath().getParent();
        deploy = root.resolve("deploy").resolve("kubernetes");
        assertTrue(Files.isDirectory(deploy), "no " + deploy);
    }

    private static List<Map<String, Object>> documents(String file) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc :
                new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(Files.readString(deploy.resolve(file)))) {
            if (doc != null) {
                docs.add(map(doc));
            }
        }
        return docs;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertInstanceOf(Map.class, o);
        return (Map<String, Object>) o;
    }

    private static Object at(Map<String, Object> m, String... path) {
        Object o = m;
        for (String p : path) {
            o = map(o).get(p);
            assertNotNull(o, "no " + String.join(".", path));
        }
        return o;
    }

    @Test
    void theJobRunsIndexedAgentsWithTheCommandLineTheTestsRun() throws IOException {
        Map<String, Object> job = documents("agents-job.yaml").get(0);
        assertEquals("Job", job.get("kind"));
        assertEquals("Indexed", at(job, "spec", "completionMode"));
        assertEquals(at(job, "spec", "completions"), at(job, "spec", "parallelism"));
        Map<String, Object> container = map(((List<?>) at(job, "spec", "template", "spec", "containers")).get(0));
        assertTrue(!container.containsKey("command"), "the image's entry point (the launcher) runs the args");
        List<String> args = new ArrayList<>();
        ((List<?>) container.get("args")).forEach(a -> args.add(String.valueOf(a)));
        assertEquals(SweepRig.agentArgs("$(SWEEP_ID)").get(0), args.get(0));
        assertEquals("$(SWEEP_ID)", args.get(1));

        CommandLine cl = Cli.tree();
        ParseResult parsed = cl.parseArgs(args.toArray(String[]::new));
        assertTrue(parsed.hasSubcommand(), args.toString());
        Object command = parsed.subcommand().commandSpec().userObject();
        assertInstanceOf(AgentCommand.class, command);
        assertEquals("$(SWEEP_ID)", ((AgentCommand) command).ref);

        List<?> env = (List<?>) container.get("env");
        Map<String, Object> byName = new HashMap<>();
        env.forEach(e -> byName.put(String.valueOf(map(e).get("name")), e));
        assertTrue(byName.containsKey("SWEEP_ID"), env.toString());
        assertTrue(String.valueOf(map(byName.get("KEEL_URL")).get("value")).startsWith("http://keel-server:"));
        assertEquals("keel", at(map(byName.get("KEEL_API_KEY")), "valueFrom", "secretKeyRef", "name"));
        Map<String, Object> secret = documents("secret.yaml").get(0);
        assertEquals("Secret", secret.get("kind"));
        assertTrue(map(secret.get("stringData"))
                .containsKey(String.valueOf(at(map(byName.get("KEEL_API_KEY")), "valueFrom", "secretKeyRef", "key"))));
    }

    @Test
    void theServerHasADeploymentAndAServiceOnTheAgentsPort() throws IOException {
        List<Map<String, Object>> docs = documents("server.yaml");
        Map<String, Object> deployment = docs.stream()
                .filter(d -> "Deployment".equals(d.get("kind")))
                .findFirst()
                .orElseThrow();
        Map<String, Object> service = docs.stream()
                .filter(d -> "Service".equals(d.get("kind")))
                .findFirst()
                .orElseThrow();
        Map<String, Object> container =
                map(((List<?>) at(deployment, "spec", "template", "spec", "containers")).get(0));
        assertEquals(List.of("server"), container.get("args"));
        assertEquals("keel-server", at(service, "metadata", "name"));
        assertEquals(8080, map(((List<?>) at(service, "spec", "ports")).get(0)).get("port"));
        assertTrue(String.valueOf(container.get("env")).contains("KEEL_DB"), container.toString());
    }

    @Test
    void theImageEntryPointIsTheLauncherWithTheJarWhereItLooks() throws IOException {
        String file = Files.readString(deploy.resolve("Containerfile"));
        List<String> lines = file.lines().map(String::strip).toList();
        assertTrue(lines.contains("ENTRYPOINT [\"/usr/local/bin/keel\"]"), file);
        assertTrue(lines.contains("COPY keel /opt/keel/keel"), file);
        assertTrue(file.contains("ln -s /opt/keel/keel /usr/local/bin/keel"), file);
        String launcher = Files.readString(root.resolve("keel"));
        assertTrue(launcher.contains("JAR=\"$ROOT/keel-cli/target/keel.jar\""), "the launcher's jar moved");
        assertTrue(lines.contains("COPY keel-cli/target/keel.jar /opt/keel/keel-cli/target/keel.jar"), file);
        // keel.jar's manifest names PyTorch's native libraries in lib/ beside it
        assertTrue(lines.contains("COPY keel-cli/target/lib /opt/keel/keel-cli/target/lib"), file);
        String pom = Files.readString(root.resolve("keel-cli/pom.xml"));
        assertTrue(pom.contains("<Class-Path>lib/pytorch-native-cpu-"), "the jar's Class-Path moved");
    }
}
