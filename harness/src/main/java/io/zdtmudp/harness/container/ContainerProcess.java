package io.zdtmudp.harness.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.testcontainers.containers.GenericContainer;

/**
 * A running QEMU container seen as a {@link Process}, so QemuVm drives it like a host QEMU: exit status
 * from Docker's wait, destroy = stop (SIGTERM, then SIGKILL), destroyForcibly = kill and remove. Once QEMU
 * has exited the container is removed: a container never outlives its VM. QEMU's output reaches the run
 * dir through the container's log stream, so the process's own streams are empty.
 */
final class ContainerProcess extends Process {
    /** Docker's own status for a container it could not wait on (removed under us): as if SIGKILLed. */
    static final int GONE_STATUS = 137;
    private static final int STOP_GRACE_SECONDS = 2;

    private final GenericContainer<?> container;
    private final DockerClient docker;
    private final String id;
    private final long hostPid;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();

    ContainerProcess(GenericContainer<?> container, long hostPid) {
        this.container = container;
        this.docker = container.getDockerClient();
        this.id = container.getContainerId();
        this.hostPid = hostPid;
        Thread watcher = new Thread(this::watch, "zdtm-container-wait-" + id.substring(0, 12));
        watcher.setDaemon(true);
        watcher.start();
    }

    String containerId() {
        return id;
    }

    private void watch() {
        int status;
        try {
            status = docker.waitContainerCmd(id).exec(new WaitContainerResultCallback()).awaitStatusCode();
        } catch (RuntimeException e) {
            status = GONE_STATUS;
        }
        remove();
        exit.complete(status);
    }

    private synchronized void remove() {
        container.stop();
    }

    @Override
    public OutputStream getOutputStream() {
        return OutputStream.nullOutputStream();
    }

    @Override
    public InputStream getInputStream() {
        return InputStream.nullInputStream();
    }

    @Override
    public InputStream getErrorStream() {
        return InputStream.nullInputStream();
    }

    @Override
    public int waitFor() throws InterruptedException {
        try {
            return exit.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        try {
            exit.get(timeout, unit);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public int exitValue() {
        if (!exit.isDone()) {
            throw new IllegalThreadStateException("QEMU container " + id + " is running");
        }
        return exit.join();
    }

    @Override
    public boolean isAlive() {
        return !exit.isDone();
    }

    @Override
    public void destroy() {
        try {
            docker.stopContainerCmd(id).withTimeout(STOP_GRACE_SECONDS).exec();
        } catch (RuntimeException e) {
            // already stopped or removed: the watcher records the exit
        }
    }

    @Override
    public Process destroyForcibly() {
        remove();
        return this;
    }

    @Override
    public boolean supportsNormalTermination() {
        return true;
    }

    @Override
    public CompletableFuture<Process> onExit() {
        return exit.thenApply(status -> this);
    }

    /** QEMU's pid on the host (the container's init). */
    @Override
    public long pid() {
        return hostPid;
    }

    /** Refused once QEMU is gone: its host pid may belong to another process by then. */
    @Override
    public ProcessHandle toHandle() {
        return ProcessHandle.of(hostPid).filter(h -> isAlive())
                .orElseThrow(() -> new UnsupportedOperationException("QEMU (host pid " + hostPid + ") has exited"));
    }

    @Override
    public String toString() {
        return "QEMU in container " + id.substring(0, 12) + " (host pid " + hostPid + ")";
    }
}
