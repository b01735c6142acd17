// SPDX-License-Identifier: MIT
/*
 * zdtm-agent: the guest end of the zdtm-udp harness channel (see PROTOCOL.md).
 *
 * One main process owns the port and never blocks on a request: it parses frames
 * incrementally, answers cheap requests itself and forks a worker for anything
 * that can take time (EXEC, READ_FILE, WRITE_FILE). Every process writes whole
 * frames under an exclusive flock on a lock file it opened itself (flock locks
 * belong to the open file description, so an inherited descriptor would not
 * exclude anything).
 *
 * Usage: zdtm-agent [PORT]
 *   PORT  /dev/virtio-ports/zdtm.agent (default), any path to open read-write,
 *         unix:/path to connect to a listening unix socket, or fd:N.
 * The last two exist to test the agent on the host without a VM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define AGENT_VERSION 1
#define DEFAULT_PORT "/dev/virtio-ports/zdtm.agent"
#define MAX_FRAME (64u << 20)
/* Captured output and file reads stay well below MAX_FRAME together. */
#define MAX_CAPTURE (24u << 20)
#define EXIT_TABLE_SIZE 4096
#define MAX_WAITERS 1024

enum op {
	OP_PING = 1,
	OP_EXEC = 2,
	OP_SPAWN = 3,
	OP_WAIT = 4,
	OP_KILL = 5,
	OP_READ_FILE = 6,
	OP_WRITE_FILE = 7,
};

enum kind {
	K_OK = 128,
	K_ERROR = 129,
	K_HELLO = 130,
};

enum tag {
	T_ARGV = 1,
	T_ENV = 2,
	T_CWD = 3,
	T_STDIN = 4,
	T_TIMEOUT_MS = 5,
	T_NETNS = 6,
	T_STDOUT_PATH = 7,
	T_STDERR_PATH = 8,
	T_EXIT = 10,
	T_STDOUT = 11,
	T_STDERR = 12,
	T_TIMED_OUT = 13,
	T_PID = 14,
	T_SIGNAL = 15,
	T_PATH = 16,
	T_DATA = 17,
	T_MODE = 18,
	T_MESSAGE = 19,
	T_ERRNO = 20,
	T_VERSION = 21,
	T_GROUP = 22,
};

static int port_fd = -1;
static const char *lock_path;

/* ---------- growable byte buffer ---------- */

struct buf {
	uint8_t *p;
	size_t len, cap;
};

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "zdtm-agent: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

static void buf_reserve(struct buf *b, size_t extra)
{
	size_t want = b->len + extra;

	if (want <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 256;
	while (b->cap < want)
		b->cap *= 2;
	b->p = realloc(b->p, b->cap);
	if (!b->p)
		die("out of memory (%zu bytes)", b->cap);
}

static void buf_put(struct buf *b, const void *data, size_t n)
{
	buf_reserve(b, n);
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
}

static void buf_u32(struct buf *b, uint32_t v)
{
	uint8_t le[4] = { v, v >> 8, v >> 16, v >> 24 };

	buf_put(b, le, 4);
}

static uint32_t get_u32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---------- frames out ---------- */

struct frame {
	struct buf b;
};

static void frame_begin(struct frame *f, uint32_t id, uint8_t kind)
{
	memset(f, 0, sizeof(*f));
	buf_u32(&f->b, 0); /* patched in frame_send() */
	buf_u32(&f->b, id);
	buf_put(&f->b, &kind, 1);
}

static void frame_bytes(struct frame *f, uint8_t tag, const void *data, size_t n)
{
	buf_put(&f->b, &tag, 1);
	buf_u32(&f->b, n);
	buf_put(&f->b, data, n);
}

static void frame_str(struct frame *f, uint8_t tag, const char *s)
{
	frame_bytes(f, tag, s, strlen(s));
}

static void frame_u32(struct frame *f, uint8_t tag, uint32_t v)
{
	uint8_t le[4] = { v, v >> 8, v >> 16, v >> 24 };

	frame_bytes(f, tag, le, 4);
}

static void frame_u8(struct frame *f, uint8_t tag, uint8_t v)
{
	frame_bytes(f, tag, &v, 1);
}

/* The port may be non-blocking (the main loop needs it so), so wait for room. */
static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				struct pollfd pfd = { .fd = fd, .events = POLLOUT };

				poll(&pfd, 1, 1000);
				continue;
			}
			return -1;
		}
		p += w;
		n -= w;
	}
	return 0;
}

static void frame_send(struct frame *f)
{
	uint32_t len = f->b.len - 4;
	int lfd;

	f->b.p[0] = len;
	f->b.p[1] = len >> 8;
	f->b.p[2] = len >> 16;
	f->b.p[3] = len >> 24;

	lfd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lfd >= 0)
		while (flock(lfd, LOCK_EX) < 0 && errno == EINTR)
			;
	if (write_all(port_fd, f->b.p, f->b.len) < 0)
		fprintf(stderr, "zdtm-agent: writing a frame: %s\n", strerror(errno));
	if (lfd >= 0)
		close(lfd);
	free(f->b.p);
	f->b.p = NULL;
}

static void send_error(uint32_t id, int err, const char *fmt, ...)
{
	struct frame f;
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (err)
		snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), ": %s", strerror(err));

	frame_begin(&f, id, K_ERROR);
	frame_str(&f, T_MESSAGE, msg);
	if (err)
		frame_u32(&f, T_ERRNO, err);
	frame_send(&f);
}

/* ---------- requests in ---------- */

#define MAX_ARGS 1024

struct request {
	uint32_t id;
	uint8_t op;
	char *argv[MAX_ARGS + 1];
	int argc;
	char *env[MAX_ARGS + 1];
	int envc;
	char *cwd, *netns, *stdout_path, *stderr_path, *path;
	const uint8_t *stdin_data, *data;
	size_t stdin_len, data_len;
	int has_timeout, has_mode, has_pid, has_signal, group;
	uint32_t timeout_ms, mode, pid, signal;
};

/* Copies a field into a fresh NUL-terminated string (paths and argv are bytes on the wire). */
static char *dup_field(const uint8_t *p, uint32_t n)
{
	char *s = malloc(n + 1);

	if (!s)
		die("out of memory");
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

static void request_free(struct request *r)
{
	int i;

	for (i = 0; i < r->argc; i++)
		free(r->argv[i]);
	for (i = 0; i < r->envc; i++)
		free(r->env[i]);
	free(r->cwd);
	free(r->netns);
	free(r->stdout_path);
	free(r->stderr_path);
	free(r->path);
}

static int field_u32(const uint8_t *p, uint32_t n, uint32_t *out)
{
	if (n != 4)
		return -1;
	*out = get_u32(p);
	return 0;
}

/* Parses the body after the length prefix. Returns NULL or a message saying what is wrong. */
static const char *parse_request(const uint8_t *p, uint32_t len, struct request *r)
{
	uint32_t off = 5;

	memset(r, 0, sizeof(*r));
	r->id = get_u32(p);
	r->op = p[4];

	while (off < len) {
		uint8_t tag;
		uint32_t n;
		const uint8_t *v;

		if (len - off < 5)
			return "truncated field header";
		tag = p[off];
		n = get_u32(p + off + 1);
		off += 5;
		if (n > len - off)
			return "field longer than its frame";
		v = p + off;
		off += n;

		switch (tag) {
		case T_ARGV:
			if (r->argc == MAX_ARGS)
				return "too many arguments";
			r->argv[r->argc++] = dup_field(v, n);
			break;
		case T_ENV:
			if (r->envc == MAX_ARGS)
				return "too many environment entries";
			r->env[r->envc++] = dup_field(v, n);
			break;
		case T_CWD:
			free(r->cwd);
			r->cwd = dup_field(v, n);
			break;
		case T_NETNS:
			free(r->netns);
			r->netns = dup_field(v, n);
			break;
		case T_STDOUT_PATH:
			free(r->stdout_path);
			r->stdout_path = dup_field(v, n);
			break;
		case T_STDERR_PATH:
			free(r->stderr_path);
			r->stderr_path = dup_field(v, n);
			break;
		case T_PATH:
			free(r->path);
			r->path = dup_field(v, n);
			break;
		case T_STDIN:
			r->stdin_data = v;
			r->stdin_len = n;
			break;
		case T_DATA:
			r->data = v;
			r->data_len = n;
			break;
		case T_TIMEOUT_MS:
			if (field_u32(v, n, &r->timeout_ms))
				return "TIMEOUT_MS is not a u32";
			r->has_timeout = 1;
			break;
		case T_MODE:
			if (field_u32(v, n, &r->mode))
				return "MODE is not a u32";
			r->has_mode = 1;
			break;
		case T_PID:
			if (field_u32(v, n, &r->pid))
				return "PID is not a u32";
			r->has_pid = 1;
			break;
		case T_SIGNAL:
			if (field_u32(v, n, &r->signal))
				return "SIGNAL is not a u32";
			r->has_signal = 1;
			break;
		case T_GROUP:
			r->group = n >= 1 && v[0];
			break;
		default:
			break; /* unknown tags are ignored by design */
		}
	}
	return NULL;
}

/* ---------- child setup shared by EXEC and SPAWN ---------- */

struct child_failure {
	int stage;
	int err;
};

enum { STAGE_NETNS = 1, STAGE_CWD, STAGE_STDOUT, STAGE_STDERR, STAGE_EXEC };

static const char *stage_name(int stage)
{
	switch (stage) {
	case STAGE_NETNS:
		return "entering netns";
	case STAGE_CWD:
		return "changing to cwd";
	case STAGE_STDOUT:
		return "opening stdout path";
	case STAGE_STDERR:
		return "opening stderr path";
	default:
		return "executing";
	}
}

static void reset_signals(void)
{
	sigset_t none;
	int sig;

	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Runs in the forked child: never returns. Failures go to err_fd for the parent to report. */
static void child_exec(struct request *r, int err_fd)
{
	struct child_failure fail = { 0 };
	int i;

	reset_signals();
	setsid(); /* own process group: a timeout or KILL with GROUP reaches every descendant */

	if (r->netns) {
		int nfd = open(r->netns, O_RDONLY | O_CLOEXEC);

		if (nfd < 0 || setns(nfd, CLONE_NEWNET) < 0) {
			fail.stage = STAGE_NETNS;
			goto failed;
		}
		close(nfd);
	}
	if (r->cwd && chdir(r->cwd) < 0) {
		fail.stage = STAGE_CWD;
		goto failed;
	}
	for (i = 0; i < r->envc; i++)
		putenv(r->env[i]);
	execvp(r->argv[0], r->argv);
	fail.stage = STAGE_EXEC;
failed:
	fail.err = errno;
	if (write(err_fd, &fail, sizeof(fail)) < 0) {
		/* nobody left to tell */
	}
	_exit(127);
}

/* Reads the close-on-exec failure pipe: 0 when exec succeeded, else fills *fail. */
static int read_failure(int fd, struct child_failure *fail)
{
	ssize_t n;

	do
		n = read(fd, fail, sizeof(*fail));
	while (n < 0 && errno == EINTR);
	return n == sizeof(*fail);
}

static int32_t exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -1;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---------- EXEC (in a worker) ---------- */

static void read_into(int *fd, struct buf *b)
{
	uint8_t chunk[65536];
	ssize_t n = read(*fd, chunk, sizeof(chunk));

	if (n > 0) {
		/* Past the cap, keep draining so the command never blocks on a full pipe. */
		if (b->len < MAX_CAPTURE)
			buf_put(b, chunk, (size_t)n < MAX_CAPTURE - b->len ? (size_t)n : MAX_CAPTURE - b->len);
		return;
	}
	if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
		close(*fd);
		*fd = -1;
	}
}

static void worker_exec(struct request *r)
{
	int out[2], err[2], in[2], fail[2];
	struct buf obuf = { 0 }, ebuf = { 0 };
	struct child_failure cf;
	int pidfd, timed_out = 0, status = 0, exited = 0;
	size_t in_off = 0;
	int64_t deadline;
	struct frame f;
	pid_t child;

	if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC) || pipe2(in, O_CLOEXEC) || pipe2(fail, O_CLOEXEC)) {
		send_error(r->id, errno, "pipe");
		return;
	}
	child = fork();
	if (child < 0) {
		send_error(r->id, errno, "fork");
		return;
	}
	if (child == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		child_exec(r, fail[1]);
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	close(fail[1]);
	if (read_failure(fail[0], &cf)) {
		waitpid(child, NULL, 0);
		send_error(r->id, cf.err, "%s %s", stage_name(cf.stage),
			   cf.stage == STAGE_EXEC ? r->argv[0] : cf.stage == STAGE_NETNS ? r->netns : r->cwd);
		return;
	}
	close(fail[0]);

	pidfd = syscall(SYS_pidfd_open, child, 0);
	if (pidfd < 0) {
		kill(-child, SIGKILL);
		waitpid(child, NULL, 0);
		send_error(r->id, errno, "pidfd_open");
		return;
	}
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	if (!r->stdin_len) {
		close(in[1]);
		in[1] = -1;
	}
	deadline = r->has_timeout && r->timeout_ms ? now_ms() + r->timeout_ms : -1;

	/* Until the child exits, then drain what it left in the pipes. */
	while (!exited || out[0] >= 0 || err[0] >= 0) {
		struct pollfd p[4] = {
			{ .fd = out[0], .events = POLLIN },
			{ .fd = err[0], .events = POLLIN },
			{ .fd = in[1], .events = POLLOUT },
			{ .fd = exited ? -1 : pidfd, .events = POLLIN },
		};
		int wait_ms = -1;

		if (exited) {
			/* A daemonized grandchild may hold the pipes: what the child wrote is already there. */
			wait_ms = 0;
		} else if (deadline >= 0) {
			int64_t left = deadline - now_ms();

			if (left <= 0) {
				kill(-child, SIGKILL);
				kill(child, SIGKILL);
				timed_out = 1;
				deadline = -1;
				continue;
			}
			wait_ms = left > 1000 ? 1000 : left;
		}
		if (poll(p, 4, wait_ms) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (exited && !(p[0].revents | p[1].revents))
			break;
		if (p[0].revents)
			read_into(&out[0], &obuf);
		if (p[1].revents)
			read_into(&err[0], &ebuf);
		if (p[2].revents) {
			ssize_t w = p[2].revents & POLLOUT ?
					    write(in[1], r->stdin_data + in_off, r->stdin_len - in_off) :
					    -1;

			if (w > 0)
				in_off += w;
			if (w < 0 && errno == EAGAIN)
				continue;
			if (w < 0 || in_off == r->stdin_len) {
				close(in[1]);
				in[1] = -1;
			}
		}
		if (p[3].revents) {
			waitpid(child, &status, 0);
			exited = 1;
			if (in[1] >= 0) {
				close(in[1]);
				in[1] = -1;
			}
		}
	}
	if (!exited)
		waitpid(child, &status, 0);

	frame_begin(&f, r->id, K_OK);
	frame_u32(&f, T_EXIT, (uint32_t)exit_code(status));
	frame_bytes(&f, T_STDOUT, obuf.p, obuf.len);
	frame_bytes(&f, T_STDERR, ebuf.p, ebuf.len);
	if (timed_out)
		frame_u8(&f, T_TIMED_OUT, 1);
	frame_send(&f);
}

/* ---------- files (in a worker) ---------- */

static void worker_read_file(struct request *r)
{
	struct buf b = { 0 };
	struct frame f;
	int fd;

	if (!r->path) {
		send_error(r->id, 0, "READ_FILE needs PATH");
		return;
	}
	fd = open(r->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		send_error(r->id, errno, "open %s", r->path);
		return;
	}
	for (;;) {
		ssize_t n;

		buf_reserve(&b, 65536);
		n = read(fd, b.p + b.len, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			send_error(r->id, errno, "read %s", r->path);
			close(fd);
			return;
		}
		if (n == 0)
			break;
		b.len += n;
		if (b.len > MAX_FRAME - 4096) {
			send_error(r->id, EFBIG, "read %s: larger than a frame", r->path);
			close(fd);
			return;
		}
	}
	close(fd);
	frame_begin(&f, r->id, K_OK);
	frame_bytes(&f, T_DATA, b.p, b.len);
	frame_send(&f);
}

static void worker_write_file(struct request *r)
{
	mode_t mode = r->has_mode ? r->mode & 07777 : 0644;
	struct frame f;
	int fd;

	if (!r->path) {
		send_error(r->id, 0, "WRITE_FILE needs PATH");
		return;
	}
	fd = open(r->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0) {
		send_error(r->id, errno, "open %s", r->path);
		return;
	}
	/* The umask must not change the mode the host asked for. */
	if (fchmod(fd, mode) < 0 || write_all(fd, r->data, r->data_len) < 0 || close(fd) < 0) {
		send_error(r->id, errno, "write %s", r->path);
		return;
	}
	frame_begin(&f, r->id, K_OK);
	frame_send(&f);
}

/* Runs fn in a forked worker so the main loop keeps serving. */
static void in_worker(struct request *r, void (*fn)(struct request *))
{
	pid_t pid = fork();

	if (pid < 0) {
		send_error(r->id, errno, "fork");
		return;
	}
	if (pid == 0) {
		reset_signals();
		signal(SIGPIPE, SIG_IGN);
		fn(r);
		_exit(0);
	}
}

/* ---------- exit statuses and WAIT ---------- */

struct exit_entry {
	pid_t pid;
	int status;
};

static struct exit_entry exits[EXIT_TABLE_SIZE];
static unsigned int exits_next;

struct waiter {
	uint32_t id;
	pid_t pid;
	int64_t deadline; /* -1: none */
};

static struct waiter waiters[MAX_WAITERS];
static int nwaiters;

static int find_exit(pid_t pid, int *status)
{
	unsigned int i;

	/* Newest first, so a reused pid reports its latest life. */
	for (i = 1; i <= EXIT_TABLE_SIZE; i++) {
		struct exit_entry *e = &exits[(exits_next - i) % EXIT_TABLE_SIZE];

		if (e->pid == pid) {
			*status = e->status;
			return 1;
		}
	}
	return 0;
}

static void send_exit(uint32_t id, int status)
{
	struct frame f;

	frame_begin(&f, id, K_OK);
	frame_u32(&f, T_EXIT, (uint32_t)exit_code(status));
	frame_send(&f);
}

static void send_wait_timeout(uint32_t id)
{
	struct frame f;

	frame_begin(&f, id, K_OK);
	frame_u8(&f, T_TIMED_OUT, 1);
	frame_send(&f);
}

static void remove_waiter(int i)
{
	waiters[i] = waiters[--nwaiters];
}

static void record_exit(pid_t pid, int status)
{
	int i;

	exits[exits_next % EXIT_TABLE_SIZE] = (struct exit_entry){ pid, status };
	exits_next++;
	for (i = nwaiters - 1; i >= 0; i--) {
		if (waiters[i].pid == pid) {
			send_exit(waiters[i].id, status);
			remove_waiter(i);
		}
	}
}

static void reap_all(void)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		record_exit(pid, status);
}

static void expire_waiters(void)
{
	int64_t now = now_ms();
	int i;

	for (i = nwaiters - 1; i >= 0; i--) {
		if (waiters[i].deadline >= 0 && waiters[i].deadline <= now) {
			send_wait_timeout(waiters[i].id);
			remove_waiter(i);
		}
	}
}

static int next_wait_ms(void)
{
	int64_t now = now_ms(), best = -1;
	int i;

	for (i = 0; i < nwaiters; i++) {
		int64_t left;

		if (waiters[i].deadline < 0)
			continue;
		left = waiters[i].deadline - now;
		if (left < 0)
			left = 0;
		if (best < 0 || left < best)
			best = left;
	}
	return best > 60000 ? 60000 : (int)best;
}

static void handle_wait(struct request *r)
{
	pid_t pid = r->pid;
	int status;

	if (!r->has_pid) {
		send_error(r->id, 0, "WAIT needs PID");
		return;
	}
	/* Reap first: the exit may be waiting in the signalfd behind this request. */
	reap_all();
	if (kill(pid, 0) < 0 && errno == ESRCH) {
		if (find_exit(pid, &status))
			send_exit(r->id, status);
		else
			send_error(r->id, ESRCH, "wait %d: not a process the agent saw", pid);
		return;
	}
	/* Alive, or a zombie of ours not reaped yet: its exit will come through SIGCHLD. */
	if (r->has_timeout && r->timeout_ms == 0) {
		send_wait_timeout(r->id);
		return;
	}
	if (nwaiters == MAX_WAITERS) {
		send_error(r->id, EBUSY, "too many pending WAITs");
		return;
	}
	waiters[nwaiters++] = (struct waiter){
		.id = r->id,
		.pid = pid,
		.deadline = r->has_timeout ? now_ms() + r->timeout_ms : -1,
	};
}

/* ---------- SPAWN, KILL, PING (in the main process) ---------- */

static int open_output(const char *path, int fallback_fd)
{
	if (!path)
		return fallback_fd >= 0 ? dup(fallback_fd) : open("/dev/null", O_WRONLY);
	return open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
}

static void handle_spawn(struct request *r)
{
	struct child_failure cf;
	int fail[2];
	struct frame f;
	pid_t pid;

	if (pipe2(fail, O_CLOEXEC)) {
		send_error(r->id, errno, "pipe");
		return;
	}
	pid = fork();
	if (pid < 0) {
		send_error(r->id, errno, "fork");
		close(fail[0]);
		close(fail[1]);
		return;
	}
	if (pid == 0) {
		int out, err, in;

		in = open("/dev/null", O_RDONLY);
		out = open_output(r->stdout_path, -1);
		if (out < 0) {
			cf = (struct child_failure){ STAGE_STDOUT, errno };
			goto failed;
		}
		err = r->stderr_path ? open_output(r->stderr_path, -1) : dup(out);
		if (err < 0) {
			cf = (struct child_failure){ STAGE_STDERR, errno };
			goto failed;
		}
		dup2(in, 0);
		dup2(out, 1);
		dup2(err, 2);
		if (in > 2)
			close(in);
		if (out > 2)
			close(out);
		if (err > 2)
			close(err);
		child_exec(r, fail[1]);
failed:
		if (write(fail[1], &cf, sizeof(cf)) < 0) {
			/* nobody left to tell */
		}
		_exit(127);
	}
	close(fail[1]);
	if (read_failure(fail[0], &cf)) {
		const char *what = cf.stage == STAGE_EXEC	? r->argv[0] :
				   cf.stage == STAGE_NETNS	? r->netns :
				   cf.stage == STAGE_CWD	? r->cwd :
				   cf.stage == STAGE_STDOUT ? r->stdout_path :
							      r->stderr_path;

		close(fail[0]);
		send_error(r->id, cf.err, "%s %s", stage_name(cf.stage), what);
		return; /* the child's exit is reaped like any other */
	}
	close(fail[0]);
	frame_begin(&f, r->id, K_OK);
	frame_u32(&f, T_PID, pid);
	frame_send(&f);
}

static void handle_kill(struct request *r)
{
	struct frame f;

	if (!r->has_pid || !r->has_signal || r->pid == 0 || r->pid == 1) {
		send_error(r->id, 0, "KILL needs PID (not 0 or 1) and SIGNAL");
		return;
	}
	if (kill(r->group ? -(pid_t)r->pid : (pid_t)r->pid, r->signal) < 0) {
		send_error(r->id, errno, "kill %u", r->pid);
		return;
	}
	frame_begin(&f, r->id, K_OK);
	frame_send(&f);
}

static void handle_ping(struct request *r)
{
	struct frame f;

	frame_begin(&f, r->id, K_OK);
	frame_u32(&f, T_VERSION, AGENT_VERSION);
	frame_send(&f);
}

static void dispatch(const uint8_t *body, uint32_t len)
{
	struct request r;
	const char *bad = parse_request(body, len, &r);

	if (bad) {
		send_error(r.id, 0, "bad frame: %s", bad);
		goto out;
	}
	if ((r.op == OP_EXEC || r.op == OP_SPAWN) && r.argc == 0) {
		send_error(r.id, 0, "%s needs ARGV", r.op == OP_EXEC ? "EXEC" : "SPAWN");
		goto out;
	}
	switch (r.op) {
	case OP_PING:
		handle_ping(&r);
		break;
	case OP_EXEC:
		in_worker(&r, worker_exec);
		break;
	case OP_SPAWN:
		handle_spawn(&r);
		break;
	case OP_WAIT:
		handle_wait(&r);
		break;
	case OP_KILL:
		handle_kill(&r);
		break;
	case OP_READ_FILE:
		in_worker(&r, worker_read_file);
		break;
	case OP_WRITE_FILE:
		in_worker(&r, worker_write_file);
		break;
	default:
		send_error(r.id, 0, "unknown op %u", r.op);
	}
out:
	request_free(&r);
}

/* ---------- main loop ---------- */

static struct buf inbuf;

/* Consumes every complete frame in inbuf; a bad length drops everything received so far. */
static void consume_frames(void)
{
	size_t off = 0;

	while (inbuf.len - off >= 4) {
		uint32_t len = get_u32(inbuf.p + off);

		if (len < 5 || len > MAX_FRAME) {
			send_error(0, 0, "bad frame: length %u (must be 5..%u); dropped %zu buffered bytes",
				   len, MAX_FRAME, inbuf.len - off);
			off = inbuf.len;
			break;
		}
		if (inbuf.len - off - 4 < len)
			break;
		dispatch(inbuf.p + off + 4, len);
		off += 4 + len;
	}
	memmove(inbuf.p, inbuf.p + off, inbuf.len - off);
	inbuf.len -= off;
}

static int open_port(const char *spec, int *eof_ends)
{
	int fd;

	*eof_ends = 1;
	if (!strncmp(spec, "fd:", 3))
		return atoi(spec + 3);
	if (!strncmp(spec, "unix:", 5)) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };

		if (strlen(spec + 5) >= sizeof(sa.sun_path))
			die("socket path too long: %s", spec + 5);
		strcpy(sa.sun_path, spec + 5);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			die("connect %s: %s", spec + 5, strerror(errno));
		return fd;
	}
	/* A virtio port reads EOF while the host end is not connected: that is not the end. */
	*eof_ends = 0;
	fd = open(spec, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("open %s: %s", spec, strerror(errno));
	return fd;
}

int main(int argc, char **argv)
{
	const char *spec = argc > 1 ? argv[1] : DEFAULT_PORT;
	int eof_ends, sfd;
	struct frame hello;
	sigset_t chld;

	signal(SIGPIPE, SIG_IGN);
	port_fd = open_port(spec, &eof_ends);
	fcntl(port_fd, F_SETFD, FD_CLOEXEC);
	lock_path = access("/run", W_OK) == 0 ? "/run/zdtm-agent.lock" : "/tmp/zdtm-agent.lock";
	if (getenv("ZDTM_AGENT_LOCK"))
		lock_path = getenv("ZDTM_AGENT_LOCK");

	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		fprintf(stderr, "zdtm-agent: PR_SET_CHILD_SUBREAPER: %s\n", strerror(errno));
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		die("signalfd: %s", strerror(errno));
	fcntl(port_fd, F_SETFL, fcntl(port_fd, F_GETFL) | O_NONBLOCK);

	frame_begin(&hello, 0, K_HELLO);
	frame_u32(&hello, T_VERSION, AGENT_VERSION);
	frame_send(&hello);

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = port_fd, .events = POLLIN },
			{ .fd = sfd, .events = POLLIN },
		};

		if (poll(p, 2, next_wait_ms()) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		if (p[1].revents) {
			struct signalfd_siginfo si;

			while (read(sfd, &si, sizeof(si)) == sizeof(si))
				;
			reap_all();
		}
		if (p[0].revents & POLLIN) {
			ssize_t n;

			buf_reserve(&inbuf, 65536);
			n = read(port_fd, inbuf.p + inbuf.len, 65536);
			if (n > 0) {
				inbuf.len += n;
				consume_frames();
			} else if (n == 0) {
				if (eof_ends)
					return 0;
				usleep(100000); /* host end not connected yet */
			} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
				die("read port: %s", strerror(errno));
			}
		} else if (p[0].revents & (POLLHUP | POLLERR)) {
			if (eof_ends)
				return 0;
			usleep(100000); /* host end not connected yet */
		}
		expire_waiters();
	}
}
