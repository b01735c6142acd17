package io.zdtmudp.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Notes every test JVM of a build in {@code target/zdtm-forks/<jvm pid>}, with the pid of the Maven
 * process that forked it. QEMU run dirs are named after the JVM that started them
 * ({@code /tmp/zdtm-<jvm pid>-<n>}), so {@link LeftoversIT} can tell this build's leftovers from
 * those of other builds running on the same machine, after the JVMs themselves are gone.
 * Registered through META-INF/services, so it runs in every fork.
 */
public final class ForkRecorder implements LauncherSessionListener {
    static final String DIR = "zdtm-forks";
    private static final String MAVEN_MAIN = "org.codehaus.plexus.classworlds.launcher.Launcher";

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        Path dir = forksDir();
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(Long.toString(ProcessHandle.current().pid())),
                    Long.toString(buildPid(ProcessHandle.current())), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("recording this test JVM in " + dir, e);
        }
    }

    static Path forksDir() {
        return Path.of(System.getProperty("user.dir"), "target", DIR);
    }

    /** The Maven process above {@code p} (surefire may put a shell in between), else its parent. */
    static long buildPid(ProcessHandle p) {
        Optional<ProcessHandle> up = p.parent();
        while (up.isPresent()) {
            if (up.get().info().commandLine().orElse("").contains(MAVEN_MAIN)) {
                return up.get().pid();
            }
            up = up.get().parent();
        }
        return p.parent().map(ProcessHandle::pid).orElse(-1L);
    }
}
