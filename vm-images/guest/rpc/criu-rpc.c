// SPDX-License-Identifier: MIT
/*
 * zdtm-criu-rpc: carries CRIU RPC messages between files and "criu swrk", for a client outside the guest.
 *
 *   zdtm-criu-rpc CRIU REQUESTS RESPONSES [DIR...]
 *
 * CRIU's swrk mode talks over a SOCK_SEQPACKET socket, one protobuf message a packet, and opens the
 * directories a request names by fd through /proc/<peer>/fd/<n>, the peer being the process that made
 * the socket. A client that reaches the guest only through files and commands has neither, so this
 * program is that peer: it opens each DIR at fd 10, 11, ... (what the client puts in images_dir_fd and
 * work_dir_fd), starts "CRIU swrk 3" on one end of a socketpair, sends each request of REQUESTS as one
 * packet and writes the one response each gets to RESPONSES, in the order they came. Both files hold
 * messages as a 4-byte big-endian length followed by the message.
 *
 * Exit status: CRIU's own when it ran to the end, 2 for bad usage or I/O, 3 when CRIU closed the socket
 * before it answered a request (it says why in its log). CRIU's environment (CRIU_FAULT...) is ours.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define FIRST_DIR_FD 10
#define MAX_MESSAGE (16 << 20)

static int fail(const char *what)
{
	fprintf(stderr, "zdtm-criu-rpc: %s: %s\n", what, strerror(errno));
	return 2;
}

/* 1 and a message of *len bytes in *buf, 0 at the end of the file, -1 on a short or oversized frame. */
static int read_frame(FILE *in, char **buf, uint32_t *len)
{
	uint32_t be;
	size_t got = fread(&be, 1, sizeof(be), in);

	if (got == 0 && feof(in))
		return 0;
	if (got != sizeof(be))
		return -1;
	*len = ntohl(be);
	if (*len > MAX_MESSAGE)
		return -1;
	*buf = malloc(*len ? *len : 1);
	if (!*buf || fread(*buf, 1, *len, in) != *len)
		return -1;
	return 1;
}

static int write_frame(FILE *out, const char *buf, uint32_t len)
{
	uint32_t be = htonl(len);

	if (fwrite(&be, 1, sizeof(be), out) != sizeof(be) || fwrite(buf, 1, len, out) != len)
		return -1;
	return fflush(out);
}

/* One whole packet from CRIU: its size first (MSG_PEEK | MSG_TRUNC), so nothing is cut. */
static ssize_t recv_packet(int sk, char **buf)
{
	ssize_t size = recv(sk, NULL, 0, MSG_PEEK | MSG_TRUNC);

	if (size <= 0)
		return size;
	*buf = malloc(size);
	if (!*buf)
		return -1;
	return recv(sk, *buf, size, 0);
}

int main(int argc, char **argv)
{
	int sv[2], status, i, unanswered = 0;
	FILE *in, *out;
	pid_t criu;

	if (argc < 4) {
		fprintf(stderr, "usage: zdtm-criu-rpc CRIU REQUESTS RESPONSES [DIR...]\n");
		return 2;
	}
	for (i = 4; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY | O_DIRECTORY);

		if (fd < 0 || dup2(fd, FIRST_DIR_FD + i - 4) < 0)
			return fail(argv[i]);
		if (fd != FIRST_DIR_FD + i - 4)
			close(fd);
	}
	in = fopen(argv[2], "r");
	if (!in)
		return fail(argv[2]);
	out = fopen(argv[3], "w");
	if (!out)
		return fail(argv[3]);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv))
		return fail("socketpair");

	criu = fork();
	if (criu < 0)
		return fail("fork");
	if (criu == 0) {
		if (dup2(sv[1], 3) < 0)
			_exit(fail("dup2"));
		execl(argv[1], argv[1], "swrk", "3", (char *)NULL);
		_exit(fail(argv[1]));
	}
	close(sv[1]);

	for (;;) {
		char *req = NULL, *resp = NULL;
		uint32_t len;
		ssize_t got;
		int r = read_frame(in, &req, &len);

		if (r == 0)
			break;
		if (r < 0) {
			fprintf(stderr, "zdtm-criu-rpc: %s: a short or oversized frame\n", argv[2]);
			return 2;
		}
		if (send(sv[0], req, len, 0) != (ssize_t)len) {
			fail("send to criu");
			unanswered = 1;
			break;
		}
		free(req);
		got = recv_packet(sv[0], &resp);
		if (got <= 0) {
			fprintf(stderr, "zdtm-criu-rpc: criu closed the socket without answering\n");
			unanswered = 1;
			break;
		}
		if (write_frame(out, resp, got))
			return fail(argv[3]);
		free(resp);
	}
	/* CRIU serves until the socket closes: this is its end of the session. */
	close(sv[0]);
	if (waitpid(criu, &status, 0) < 0)
		return fail("waitpid");
	if (unanswered)
		return 3;
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "zdtm-criu-rpc: criu killed by signal %d\n", WTERMSIG(status));
		return 128 + WTERMSIG(status);
	}
	return WEXITSTATUS(status);
}
