package io.edgecert.web.console;

import io.edgecert.EdgecertConfig;
import io.edgecert.EdgecertNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's five-minute walkthrough, run as written: its shell blocks go to bash in a fresh
 * directory beside a real node started as {@code serve} would be there (data in {@code ./data},
 * generated token and console password). Two things are not the user's: the node's ports are
 * random, so {@code 127.0.0.1:8080} and {@code :8443} in the text become them; and
 * {@code target/edgecert.jar} is a launcher of the compiled classes (its manifest names the test
 * class path), so that the CLI runs by its Main with the README's arguments without a package
 * build. openssl, curl and jq run for real. Then the console is signed in to as the README says
 * and shows the job it printed.
 */
class ReadmeWalkthroughTest {
    private static final Pattern SH_BLOCK = Pattern.compile("(?ms)^```sh\\n(.*?)^```");

    @TempDir
    Path work;

    /** The walkthrough's shell blocks, in order; the section must come right after the opening commands. */
    static List<String> walkthroughBlocks(String readme) {
        int opening = readme.indexOf("```sh");
        int openingEnd = readme.indexOf("```", opening + 5);
        int section = readme.indexOf("\n## ", openingEnd);
        assertThat(readme.substring(section + 4)).as("the section after the opening commands").startsWith("Five minutes");
        int next = readme.indexOf("\n## ", section + 4);
        Matcher m = SH_BLOCK.matcher(readme.substring(section, next < 0 ? readme.length() : next));
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    @Test
    void theReadmeWalkthroughServesANameAndShowsItsJob() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        assertThat(readme).as("the two opening commands").contains(
                "mvn -q -DskipTests package && java -jar target/edgecert.jar serve", "mvn -B verify");
        List<String> blocks = walkthroughBlocks(readme);
        assertThat(blocks).as("shell blocks of the walkthrough").hasSizeGreaterThanOrEqualTo(4);
        launcherJar(work.resolve("target/edgecert.jar"));

        try (EdgecertNode node = EdgecertNode.start(EdgecertConfig.from(Map.of(
                "EDGECERT_DATA_DIR", work.resolve("data").toString(),
                "EDGECERT_API_PORT", "0", "EDGECERT_EDGE_HTTPS_PORT", "0", "EDGECERT_EDGE_HTTP_PORT", "0")))) {
            int api = node.apiPort();
            int edge = node.edge().httpsPort();
            String script = "set -euo pipefail\n" + String.join("\n", blocks)
                    .replace("127.0.0.1:8080", "127.0.0.1:" + api).replace(":8443", ":" + edge);
            Files.writeString(work.resolve("walkthrough.sh"), script);

            ProcessBuilder bash = new ProcessBuilder("bash", "walkthrough.sh").directory(work.toFile())
                    .redirectOutput(work.resolve("out.txt").toFile()).redirectError(work.resolve("err.txt").toFile());
            bash.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + File.pathSeparator
                    + System.getenv("PATH"));
            bash.environment().put("EDGECERT_URL", "http://127.0.0.1:" + api); // the CLI's default, on this node's port
            bash.environment().keySet().removeIf(k -> k.startsWith("EDGECERT_") && !k.equals("EDGECERT_URL"));
            Process p = bash.start();
            boolean ended = p.waitFor(180, TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly();
            }
            String out = Files.readString(work.resolve("out.txt"));
            String err = Files.readString(work.resolve("err.txt"));
            String shown = "\n--- script\n" + script + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
            assertThat(ended).as("the walkthrough ended" + shown).isTrue();
            assertThat(p.exitValue()).as("the walkthrough's exit" + shown).isZero();

            // step 3: curl reached the origin (the node's own health check) through the edge, over TLS
            assertThat(out).as(shown).contains("\"status\":\"UP\"");
            // step 2 and 4: a distribution for shop, a finished job for www
            assertThat(out).as(shown).contains("shop.example.test").contains("SUCCEEDED");
            Matcher job = Pattern.compile("console: http://127\\.0\\.0\\.1:" + api + "(/jobs/[0-9a-f-]{36})").matcher(out);
            assertThat(job.find()).as("the printed console address" + shown).isTrue();

            // step 4, the console: sign in with the one-time password, as the README says, and open the job
            String oneTime = Files.readString(work.resolve("data/console-password")).strip();
            ConsoleClient console = new ConsoleClient(api);
            assertThat(console.login("admin", oneTime).header("Location")).isEqualTo("/account/password");
            console.get("/account/password"); // its form's CSRF token
            assertThat(console.post("/account/password", Map.of("current", oneTime,
                    "password", "walkthrough password", "repeat", "walkthrough password")).status()).isEqualTo(303);
            ConsoleClient.Response page = console.get(job.group(1));
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            assertThat(page.body()).contains("SUCCEEDED", "www.example.test", "CNAME");
        }
    }

    /** A jar with only a manifest: Main-Class the CLI's, Class-Path this JVM's class path. */
    static void launcherJar(Path jar) throws IOException {
        Files.createDirectories(jar.getParent());
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "io.edgecert.cli.Main");
        StringBuilder classPath = new StringBuilder();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            classPath.append(Path.of(entry).toAbsolutePath().toUri()).append(' ');
        }
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath.toString().strip());
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(out, manifest)) {
            out.flush();
        }
    }

    @Test
    void theBlocksAreFoundAsWritten() {
        String readme = "# x\n\n```sh\nmvn\n```\n\nintro\n\n## Five minutes: y\n\n```sh\na\n```\n\ntext\n\n```sh\nb \\\n  c\n```\n\n"
                + "## Next\n\n```sh\nnot this\n```\n";
        assertThat(walkthroughBlocks(readme)).containsExactly("a\n", "b \\\n  c\n");
    }
}
