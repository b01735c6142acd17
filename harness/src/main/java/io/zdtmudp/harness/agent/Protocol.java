package io.zdtmudp.harness.agent;

/** Numbers from PROTOCOL.md. */
public final class Protocol {
    public static final int VERSION = 1;

    public static final int OP_PING = 1;
    public static final int OP_EXEC = 2;
    public static final int OP_SPAWN = 3;
    public static final int OP_WAIT = 4;
    public static final int OP_KILL = 5;
    public static final int OP_READ_FILE = 6;
    public static final int OP_WRITE_FILE = 7;

    public static final int OK = 128;
    public static final int ERROR = 129;
    public static final int HELLO = 130;

    public static final int ARGV = 1;
    public static final int ENV = 2;
    public static final int CWD = 3;
    public static final int STDIN = 4;
    public static final int TIMEOUT_MS = 5;
    public static final int NETNS = 6;
    public static final int STDOUT_PATH = 7;
    public static final int STDERR_PATH = 8;
    public static final int EXIT = 10;
    public static final int STDOUT = 11;
    public static final int STDERR = 12;
    public static final int TIMED_OUT = 13;
    public static final int PID = 14;
    public static final int SIGNAL = 15;
    public static final int PATH = 16;
    public static final int DATA = 17;
    public static final int MODE = 18;
    public static final int MESSAGE = 19;
    public static final int ERRNO = 20;
    public static final int TAG_VERSION = 21;
    public static final int GROUP = 22;

    private Protocol() {}
}
