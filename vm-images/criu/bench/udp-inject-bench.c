/*
 * Microbenchmark, run in the guest: what re-injecting a UDP receive queue costs per method, next to
 * a plain send pass of the same datagrams, and what peeking the queue costs next to draining it.
 *
 *   udp-inject-bench COUNT LENGTH [REPS]
 *
 * Every pass queues COUNT datagrams of LENGTH bytes from 127.0.0.1:7001 on a socket bound to
 * 127.0.0.1:7000 (receive buffer forced to 64 MiB), then drains the queue and checks the count.
 *   send     a UDP socket bound to the source sends each datagram (the physical limit)
 *   raw      hand-built IPv4+UDP headers through one IPPROTO_RAW socket, sendmmsg() batches of 64
 *            (what the engine's raw path does, without its read-back)
 *   sock     one temporary socket per datagram: socket, IP_FREEBIND, SO_REUSEADDR, bind to the
 *            source, sendto, close (the approach of CRIU PR #1571)
 *   peek1    peek the queue with recvmsg(MSG_PEEK) and SO_PEEK_OFF, one datagram per call
 *   peekN    the same with recvmmsg(), 64 per call
 *   readout  read the queue without consuming it with getsockopt(SOL_UDP, UDP_REPAIR_QUEUE): size it
 *            with a 0-byte buffer, then read it (what the engine's dump does; "-1" without the option)
 *   drain    consume the queue with recvmmsg(), 64 per call
 * Prints one line per pass and repetition: "pass ms".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define UDP_REPAIR_QUEUE		106
#define UDP_REPAIR_QUEUE_HDR		56	/* sizeof(struct udp_repair_queue) */
#define UDP_REPAIR_QUEUE_ALIGN(len)	(((len) + 3U) & ~3U)

#define BATCH 64
#define SLOT  (64 * 1024 + 1)

static int rx, count, length;
static struct sockaddr_in dst, src;
static unsigned char payload[65536];
static unsigned char *slots;

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static int walk(int flags)
{
	struct mmsghdr h[BATCH];
	struct iovec iov[BATCH];
	int n = 0, i, r;

	while (1) {
		memset(h, 0, sizeof(h));
		for (i = 0; i < BATCH; i++) {
			iov[i].iov_base = slots + (size_t)i * SLOT;
			iov[i].iov_len = SLOT;
			h[i].msg_hdr.msg_iov = &iov[i];
			h[i].msg_hdr.msg_iovlen = 1;
		}
		r = recvmmsg(rx, h, BATCH, flags | MSG_DONTWAIT | MSG_TRUNC, NULL);
		if (r < 0) {
			if (errno == EAGAIN)
				return n;
			die("recvmmsg");
		}
		n += r;
	}
}

static int peek_one_by_one(void)
{
	int n = 0;

	while (1) {
		struct iovec iov = { slots, SLOT };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

		if (recvmsg(rx, &m, MSG_PEEK | MSG_DONTWAIT | MSG_TRUNC) < 0) {
			if (errno == EAGAIN)
				return n;
			die("recvmsg");
		}
		n++;
	}
}

/* Datagrams the one-pass read-out returns, -1 when the kernel lacks it */
static int readout(void)
{
	static unsigned char *buf;
	static socklen_t room;
	socklen_t len = 0, off = 0;
	int n = 0;

	if (!getsockopt(rx, IPPROTO_UDP, UDP_REPAIR_QUEUE, NULL, &len))
		return 0;
	if (errno == ENOPROTOOPT)
		return -1;
	if (errno != ERANGE)
		die("UDP_REPAIR_QUEUE size");
	if (len > room) {
		free(buf);
		room = len;
		buf = malloc(room);
		if (!buf)
			die("malloc");
	}
	len = room;
	if (getsockopt(rx, IPPROTO_UDP, UDP_REPAIR_QUEUE, buf, &len))
		die("UDP_REPAIR_QUEUE");
	while (off < len) {
		unsigned int dlen;

		memcpy(&dlen, buf + off, sizeof(dlen));
		off += UDP_REPAIR_QUEUE_ALIGN(UDP_REPAIR_QUEUE_HDR + dlen);
		n++;
	}
	return n;
}

static void set_peek_off(int v)
{
	if (setsockopt(rx, SOL_SOCKET, SO_PEEK_OFF, &v, sizeof(v)))
		die("SO_PEEK_OFF");
}

static void send_plain(void)
{
	int sk = socket(AF_INET, SOCK_DGRAM, 0), one = 1, i;

	setsockopt(sk, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(sk, (struct sockaddr *)&src, sizeof(src)))
		die("bind tx");
	for (i = 0; i < count; i++)
		if (sendto(sk, payload, length, 0, (struct sockaddr *)&dst, sizeof(dst)) != length)
			die("sendto");
	close(sk);
}

static void send_sock_per_dgram(void)
{
	int i, one = 1;

	for (i = 0; i < count; i++) {
		int sk = socket(AF_INET, SOCK_DGRAM, 0);

		if (sk < 0 || setsockopt(sk, SOL_IP, IP_FREEBIND, &one, sizeof(one)) ||
		    setsockopt(sk, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
		    bind(sk, (struct sockaddr *)&src, sizeof(src)))
			die("temporary socket");
		if (sendto(sk, payload, length, 0, (struct sockaddr *)&dst, sizeof(dst)) != length)
			die("sendto");
		close(sk);
	}
}

static unsigned short csum(const struct iphdr *ip, const struct udphdr *uh, const void *data, int len)
{
	const unsigned char *parts[2] = { (const void *)uh, data };
	int lens[2] = { sizeof(*uh), len };
	unsigned int sum = 0, i;
	unsigned char pseudo[12];
	unsigned short ulen = htons(sizeof(*uh) + len);
	int k;

	memcpy(pseudo, &ip->saddr, 4);
	memcpy(pseudo + 4, &ip->daddr, 4);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_UDP;
	memcpy(pseudo + 10, &ulen, 2);
	for (i = 0; i < 12; i += 2)
		sum += (pseudo[i] << 8) | pseudo[i + 1];
	for (k = 0; k < 2; k++) {
		for (i = 0; i + 1 < (unsigned int)lens[k]; i += 2)
			sum += (parts[k][i] << 8) | parts[k][i + 1];
		if (lens[k] & 1)
			sum += parts[k][lens[k] - 1] << 8;
	}
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	return htons(sum ? sum : 0xffff);
}

static void send_raw(void)
{
	struct {
		struct iphdr ip;
		struct udphdr uh;
	} hdr[BATCH];
	struct mmsghdr h[BATCH];
	struct iovec iov[BATCH][2];
	int sk = socket(AF_INET, SOCK_RAW, IPPROTO_RAW), sent = 0;

	if (sk < 0)
		die("raw socket");
	while (sent < count) {
		int n = count - sent < BATCH ? count - sent : BATCH, i, done = 0;

		memset(h, 0, sizeof(h));
		for (i = 0; i < n; i++) {
			memset(&hdr[i], 0, sizeof(hdr[i]));
			hdr[i].ip.version = 4;
			hdr[i].ip.ihl = 5;
			hdr[i].ip.ttl = 64;
			hdr[i].ip.protocol = IPPROTO_UDP;
			hdr[i].ip.tot_len = htons(sizeof(hdr[i]) + length);
			hdr[i].ip.saddr = src.sin_addr.s_addr;
			hdr[i].ip.daddr = dst.sin_addr.s_addr;
			hdr[i].uh.source = src.sin_port;
			hdr[i].uh.dest = dst.sin_port;
			hdr[i].uh.len = htons(sizeof(hdr[i].uh) + length);
			hdr[i].uh.check = csum(&hdr[i].ip, &hdr[i].uh, payload, length);
			iov[i][0].iov_base = &hdr[i];
			iov[i][0].iov_len = sizeof(hdr[i]);
			iov[i][1].iov_base = payload;
			iov[i][1].iov_len = length;
			h[i].msg_hdr.msg_iov = iov[i];
			h[i].msg_hdr.msg_iovlen = 2;
			h[i].msg_hdr.msg_name = &dst;
			h[i].msg_hdr.msg_namelen = sizeof(dst);
		}
		while (done < n) {
			int r = sendmmsg(sk, h + done, n - done, 0);

			if (r < 0)
				die("sendmmsg");
			done += r;
		}
		sent += n;
	}
	close(sk);
}

/* Loopback delivers from a softirq: give it a moment, then every datagram must be queued */
static void expect_queued(const char *pass)
{
	int n;

	usleep(20000);
	set_peek_off(-1);
	n = walk(0);
	if (n != count) {
		fprintf(stderr, "%s: %d of %d datagrams queued\n", pass, n, count);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	int reps, rep, n, big = 64 << 20;
	double t;

	if (argc < 3) {
		fprintf(stderr, "usage: %s COUNT LENGTH [REPS]\n", argv[0]);
		return 2;
	}
	count = atoi(argv[1]);
	length = atoi(argv[2]);
	reps = argc > 3 ? atoi(argv[3]) : 3;
	memset(payload, 'x', sizeof(payload));
	slots = malloc((size_t)BATCH * SLOT);

	dst.sin_family = src.sin_family = AF_INET;
	dst.sin_addr.s_addr = src.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	dst.sin_port = htons(7000);
	src.sin_port = htons(7001);
	rx = socket(AF_INET, SOCK_DGRAM, 0);
	if (rx < 0 || bind(rx, (struct sockaddr *)&dst, sizeof(dst)) ||
	    setsockopt(rx, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)))
		die("receiver");

	for (rep = 0; rep < reps; rep++) {
		t = now_ms();
		send_plain();
		printf("send %.1f\n", now_ms() - t);

		set_peek_off(0);
		t = now_ms();
		if (peek_one_by_one() != count)
			die("peek1 count");
		printf("peek1 %.1f\n", now_ms() - t);

		set_peek_off(0);
		t = now_ms();
		if (walk(MSG_PEEK) != count)
			die("peekN count");
		printf("peekN %.1f\n", now_ms() - t);

		t = now_ms();
		n = readout();
		if (n >= 0 && n != count)
			die("readout count");
		printf("readout %.1f\n", n < 0 ? -1.0 : now_ms() - t);

		set_peek_off(-1);
		t = now_ms();
		if (walk(0) != count)
			die("drain count");
		printf("drain %.1f\n", now_ms() - t);

		t = now_ms();
		send_raw();
		printf("raw %.1f\n", now_ms() - t);
		expect_queued("raw");

		t = now_ms();
		send_sock_per_dgram();
		printf("sock %.1f\n", now_ms() - t);
		expect_queued("sock");
		fflush(stdout);
	}
	return 0;
}
