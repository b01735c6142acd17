// SPDX-License-Identifier: GPL-2.0
/*
 * nsroot: starts a command the way an unprivileged container's init runs, for
 * the harness's uns flavor. The command is the init (pid 1) of new user, pid,
 * mount, network, UTS and IPC namespaces; root inside is uid and gid
 * NSROOT_BASE outside; its / is ROOT, pivoted into with the guest's mounts
 * detached, and a proc of its own pid namespace is mounted on /proc.
 *
 * Usage: nsroot ROOT LOG PRELUDE COMMAND [ARG...]
 *   ROOT     a directory holding all the command needs (mode 0777: root
 *            inside owns no file of the guest's)
 *   LOG      the command's stdin, stdout and stderr, a path inside ROOT
 *   PRELUDE  a shell command run inside the namespaces before the pivot
 *            ("ip link set lo up", say); empty for none
 *   COMMAND  a path inside ROOT
 *
 * It prints the command's pid, as the guest sees it, once the command has
 * exec'd, and exits 0; the command is then its caller's child (the guest
 * agent is a child subreaper). Any failure before the exec is printed and
 * exits 1.
 *
 * Why it exists: CRIU restores a task under a user namespace of its own only
 * as the init of a pid namespace that user namespace owns, dumps such a task
 * only with a proc of its own (so in a mount namespace of its own), and
 * refuses the guest's 9p share, which a user namespace cannot unmount piece by
 * piece. Pivoting into a root of its own and detaching the old one whole
 * leaves a mount tree CRIU dumps: the root and /proc.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define NSROOT_BASE 100000
#define NSROOT_RANGE 65536
/* pivot_root refuses to leave rootfs: a bind of / moved over / is a root it can leave. */
#define ESCAPE_DIR "/mnt/zdtm-nsroot"
#define OLD_ROOT "/.nsroot-old"

static int status_fd = -1;

/* Reports a failure to the parent (or, before the clone, to stderr) and exits. */
static void die(const char *fmt, ...)
{
	char msg[512];
	int n, err = errno;
	va_list ap;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(msg))
		n = sizeof(msg) - 1;
	/* errno 0: the failure is the message itself, not a call's */
	n += snprintf(msg + n, sizeof(msg) - n, err ? ": %s\n" : "\n", err ? strerror(err) : "");
	if ((size_t)n >= sizeof(msg))
		n = sizeof(msg) - 1;
	if (write(status_fd >= 0 ? status_fd : STDERR_FILENO, msg, n) < 0)
		_exit(2);
	_exit(1);
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		die("open %s", path);
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die("write %s (\"%s\")", path, text);
	close(fd);
}

/* In a mount namespace of our own, make / a mount pivot_root can move away from. */
static void escape_rootfs(void)
{
	if (unshare(CLONE_NEWNS) < 0)
		die("unshare(CLONE_NEWNS)");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("make / private");
	if (mkdir(ESCAPE_DIR, 0700) < 0 && errno != EEXIST)
		die("mkdir %s", ESCAPE_DIR);
	if (mount("/", ESCAPE_DIR, NULL, MS_BIND | MS_REC, NULL) < 0)
		die("bind / on %s", ESCAPE_DIR);
	if (chdir(ESCAPE_DIR) < 0)
		die("chdir %s", ESCAPE_DIR);
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
		die("move %s over /", ESCAPE_DIR);
	if (chroot(".") < 0)
		die("chroot");
	if (chdir("/") < 0)
		die("chdir /");
}

static void run_prelude(const char *prelude)
{
	pid_t pid;
	int status;

	if (!*prelude)
		return;
	pid = fork();
	if (pid < 0)
		die("fork for the prelude");
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", prelude, (char *)NULL);
		die("exec /bin/sh");
	}
	if (waitpid(pid, &status, 0) < 0)
		die("wait for the prelude");
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		errno = 0;
		die("prelude \"%s\" ended with status 0x%x", prelude, status);
	}
}

static void enter_root(const char *root)
{
	if (mount(root, root, NULL, MS_BIND, NULL) < 0)
		die("bind %s on itself", root);
	if (chdir(root) < 0)
		die("chdir %s", root);
	if (mkdir("." OLD_ROOT, 0700) < 0 && errno != EEXIST)
		die("mkdir %s%s", root, OLD_ROOT);
	if (mkdir("proc", 0555) < 0 && errno != EEXIST)
		die("mkdir %s/proc", root);
	if (syscall(SYS_pivot_root, ".", "." OLD_ROOT) < 0)
		die("pivot_root into %s", root);
	if (chdir("/") < 0)
		die("chdir / after pivot_root");
	/* before the old root goes: a user namespace mounts proc only where one is fully visible */
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		die("mount proc");
	if (umount2(OLD_ROOT, MNT_DETACH) < 0)
		die("detach the old root");
	if (rmdir(OLD_ROOT) < 0)
		die("rmdir %s", OLD_ROOT);
}

static void redirect_stdio(const char *log)
{
	int fd = open(log, O_RDWR | O_CREAT | O_APPEND, 0644);

	if (fd < 0)
		die("open %s", log);
	if (dup2(fd, STDIN_FILENO) < 0 || dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
		die("dup2 %s", log);
	if (fd > STDERR_FILENO)
		close(fd);
}

static void child(int sync_fd, char **argv)
{
	char c;

	/* wait until the parent mapped our ids: until then root here owns nothing */
	if (read(sync_fd, &c, 1) != 1)
		die("wait for the id maps");
	close(sync_fd);
	if (setresgid(0, 0, 0) < 0 || setgroups(0, NULL) < 0 || setresuid(0, 0, 0) < 0)
		die("become root of the user namespace");
	if (sethostname("nsroot", strlen("nsroot")) < 0)
		die("sethostname");
	/* CRIU dumps a pid namespace's tree only if its sessions start inside it */
	if (setsid() < 0)
		die("setsid");
	run_prelude(argv[3]);
	enter_root(argv[1]);
	redirect_stdio(argv[2]);
	execv(argv[4], argv + 4);
	die("exec %s", argv[4]);
}

static void map_ids(pid_t pid)
{
	char path[64], map[64];

	snprintf(map, sizeof(map), "0 %d %d\n", NSROOT_BASE, NSROOT_RANGE);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
	write_file(path, map);
	snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);
	write_file(path, map);
}

int main(int argc, char **argv)
{
	int sync_pipe[2], status_pipe[2], status;
	char err[512];
	ssize_t n;
	pid_t pid;

	if (argc < 5) {
		fprintf(stderr, "usage: nsroot ROOT LOG PRELUDE COMMAND [ARG...]\n");
		return 2;
	}
	escape_rootfs();
	if (pipe2(sync_pipe, O_CLOEXEC) < 0 || pipe2(status_pipe, O_CLOEXEC) < 0)
		die("pipe2");
	/* a fork-like clone: the child runs on a copy of this stack */
	pid = syscall(SYS_clone, CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWUTS |
				 CLONE_NEWIPC | SIGCHLD,
		      NULL, NULL, NULL, NULL);
	if (pid < 0)
		die("clone");
	if (pid == 0) {
		close(sync_pipe[1]);
		close(status_pipe[0]);
		status_fd = status_pipe[1];
		child(sync_pipe[0], argv);
	}
	close(sync_pipe[0]);
	close(status_pipe[1]);
	map_ids(pid);
	if (write(sync_pipe[1], "x", 1) != 1)
		die("release the child");
	close(sync_pipe[1]);
	/* the status pipe closes on the child's exec; anything read before is why it did not get there */
	n = read(status_pipe[0], err, sizeof(err) - 1);
	if (n > 0) {
		err[n] = '\0';
		fprintf(stderr, "nsroot: %s", err);
		waitpid(pid, &status, 0);
		return 1;
	}
	if (waitpid(pid, &status, WNOHANG) == pid) {
		fprintf(stderr, "nsroot: %s ended before its exec (status 0x%x)\n", argv[4], status);
		return 1;
	}
	printf("%d\n", pid);
	return 0;
}
