// SPDX-License-Identifier: GPL-2.0
/*
 * udp-log: a UDP program of your own, as the README's guide uses it. It reads
 * the datagrams sent to 127.0.0.1:PORT and prints each as a line,
 * "got <length> <bytes>", until it is killed.
 *
 * Usage: udp-log PORT
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	static char buf[65536];
	int sk;

	if (argc != 2) {
		fprintf(stderr, "usage: udp-log PORT\n");
		return 2;
	}
	addr.sin_port = htons(atoi(argv[1]));
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sk = socket(AF_INET, SOCK_DGRAM, 0);
	if (sk < 0 || bind(sk, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		perror("udp-log: socket/bind");
		return 1;
	}
	for (;;) {
		ssize_t n = recv(sk, buf, sizeof(buf), 0);

		if (n < 0) {
			perror("udp-log: recv");
			return 1;
		}
		printf("got %zd %.*s\n", n, (int)n, buf);
		fflush(stdout);
	}
}
