// SPDX-License-Identifier: GPL-2.0
/*
 * udpq: a UDP workload driven by a small script, for checkpoint/restore cases.
 *
 * The Java side writes the script; this program runs its "before" section
 * (create sockets, queue datagrams), writes the ready file, then sleeps until
 * SIGUSR1. The checkpoint and the restore happen while it sleeps. On SIGUSR1 it
 * runs the "after" section (drain queues, send more, uncork) and writes every
 * observation to the result file, one line each, in an order the harness
 * parses. Everything it is told is exact bytes and addresses: nothing here
 * decides whether a case passed.
 *
 * Usage: udpq <script> <ready-file> <result-file>
 *
 * Script lines (fields separated by single spaces, '#' starts a comment):
 *   sock NAME FAMILY PROTO [opt=value ...]
 *        FAMILY: 4 | 6   PROTO: udp | udplite
 *        opts: bind=ADDR,PORT connect=ADDR,PORT v6only=0|1 rcvbuf=N
 *              rcvbufforce=N peekoff=N pktinfo=1 cork=1 reuseaddr=1
 *              ttl=N tos=N recvttl=1 recvtos=1 broadcast=1
 *              tstampns=1 (SO_TIMESTAMPNS: each datagram with the time it arrived)
 *              flowinfo=1 (IPv6: IPV6_FLOWINFO, each datagram with its flow label)
 *              join=GROUP (a multicast group, on lo) mcastlo=1 (send multicast out of lo)
 *   send FROM TO PAYLOAD           to the bound address of socket TO
 *   sendto FROM ADDR,PORT PAYLOAD [ttl=N] [tos=N]
 *                                  explicit destination (connected: '-'); ttl/tos
 *                                  go as IP_TTL/IP_TOS (IPV6_HOPLIMIT/TCLASS) cmsgs
 *   sendmore FROM ADDR,PORT PAYLOAD [ttl=N] [tos=N]   like sendto, with MSG_MORE
 *   sendn FROM TO COUNT LEN SEED   COUNT datagrams, payload gen(LEN, SEED+i)
 *   cork NAME 0|1                  UDP_CORK
 *   opt NAME key=value             one more socket option (as on the sock line)
 *   close NAME
 *   peek NAME                      MSG_PEEK one datagram, report it
 *   drain NAME                     receive until the queue is empty
 *   recv NAME                      receive exactly one (waits up to 5 s)
 *   state NAME                     report peek offset, rcvbuf, local, peer
 *   waiterr NAME                   wait (up to 5 s) until the socket has a pending error
 *                                  (an ICMP error arrives after the datagram that caused it)
 *   error NAME                     report and clear SO_ERROR
 *   clock                          report the time of day (CLOCK_REALTIME, as SO_TIMESTAMPNS)
 *   fork                           a child that shares every socket and sleeps
 *                                  (killed when the script ends)
 *   after                          starts the after-restore section
 * PAYLOAD: '-' (0 bytes), 'hex:HEX', or 'gen:LEN:SEED'.
 *
 * Result lines:
 *   local NAME ADDR PORT
 *   recv NAME SRCADDR SRCPORT DSTADDR LEN HEX [ttl=N] [tos=N] [at=SEC.NSEC] [flow=N]
 *        (DSTADDR '-' without pktinfo, HEX '-' if empty; ttl/tos with recvttl/recvtos,
 *        at= with tstampns, flow= with flowinfo when the datagram has a label or a
 *        traffic class: the kernel sends IPV6_FLOWINFO only then)
 *   peek NAME SRCADDR SRCPORT DSTADDR LEN HEX
 *   state NAME peekoff=N rcvbuf=N local=ADDR,PORT peer=ADDR,PORT|-
 *   sockerr NAME ERRNO                            (0: no pending error)
 *   empty NAME                                    (drain found nothing more)
 *   clock SEC.NSEC
 *   error LINE MESSAGE                            (and exit status 1)
 *   after                          (the lines above it came before the checkpoint)
 *   done                           (the script ran to its end)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef IPPROTO_UDPLITE
#define IPPROTO_UDPLITE 136
#endif
/* IPV6_FLOWINFO: linux/in6.h has it, glibc's headers don't */
#define UDPQ_IPV6_FLOWINFO 11
#ifndef SO_PEEK_OFF
#define SO_PEEK_OFF 42
#endif

#define MAX_SOCKS 64
#define MAX_DGRAM 65535

struct sock {
	char name[32];
	int fd;
	int family;
	int pktinfo;
	struct sockaddr_storage bound;
	socklen_t bound_len;
};

static struct sock socks[MAX_SOCKS];
static int nsocks;
static FILE *result;
static int lineno;
static volatile sig_atomic_t go;
static pid_t children[16];
static int nchildren;

static void die(const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "udpq: line %d: %s\n", lineno, msg);
	if (result) {
		fprintf(result, "error %d %s\n", lineno, msg);
		fclose(result);
	}
	exit(1);
}

static struct sock *find(const char *name)
{
	for (int i = 0; i < nsocks; i++)
		if (!strcmp(socks[i].name, name))
			return &socks[i];
	die("no socket named %s", name);
	return NULL;
}

/*
 * The payload generator must match io.zdtmudp.harness.net.Payload.generated:
 * xorshift32 seeded with seed * 2654435761 + 1, one byte per step.
 */
static size_t gen_payload(unsigned char *buf, size_t len, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = x & 0xff;
	}
	return len;
}

static size_t parse_payload(const char *s, unsigned char *buf)
{
	if (!strcmp(s, "-"))
		return 0;
	if (!strncmp(s, "hex:", 4)) {
		size_t n = strlen(s + 4);

		if (n % 2 || n / 2 > MAX_DGRAM)
			die("bad hex payload");
		for (size_t i = 0; i < n / 2; i++) {
			unsigned int v;

			if (sscanf(s + 4 + 2 * i, "%2x", &v) != 1)
				die("bad hex payload");
			buf[i] = v;
		}
		return n / 2;
	}
	if (!strncmp(s, "gen:", 4)) {
		unsigned long len, seed;

		if (sscanf(s + 4, "%lu:%lu", &len, &seed) != 2 || len > MAX_DGRAM)
			die("bad gen payload %s", s);
		return gen_payload(buf, len, seed);
	}
	die("bad payload %s", s);
	return 0;
}

/* ADDR,PORT where ADDR is an IPv4 or IPv6 literal; family decides the form. */
static socklen_t parse_addr(const char *s, int family, struct sockaddr_storage *ss)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *comma = strrchr(s, ',');
	size_t hl;
	int port;

	if (!comma || (hl = comma - s) >= sizeof(host))
		die("bad address %s", s);
	memcpy(host, s, hl);
	host[hl] = 0;
	port = atoi(comma + 1);
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
			die("bad IPv4 address %s", host);
		return sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1) {
			/* An IPv4 literal on an AF_INET6 socket means its mapped form. */
			struct in_addr a;

			if (inet_pton(AF_INET, host, &a) != 1)
				die("bad IPv6 address %s", host);
			sin6->sin6_addr.s6_addr[10] = 0xff;
			sin6->sin6_addr.s6_addr[11] = 0xff;
			memcpy(&sin6->sin6_addr.s6_addr[12], &a, 4);
		}
		return sizeof(*sin6);
	}
}

static void fmt_addr(const struct sockaddr_storage *ss, char *host, size_t hl, int *port)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)ss;

		inet_ntop(AF_INET, &sin->sin_addr, host, hl);
		*port = ntohs(sin->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)ss;

		inet_ntop(AF_INET6, &sin6->sin6_addr, host, hl);
		*port = ntohs(sin6->sin6_port);
	} else {
		snprintf(host, hl, "-");
		*port = 0;
	}
}

static void setopt(int fd, int level, int opt, int val, const char *what)
{
	if (setsockopt(fd, level, opt, &val, sizeof(val)))
		die("setsockopt %s: %s", what, strerror(errno));
}

/* Multicast stays on lo: the guest's test netns has no other interface to send it out of. */
static void join_group(struct sock *s, const char *group)
{
	unsigned int lo = if_nametoindex("lo");

	if (s->family == AF_INET) {
		struct ip_mreqn mr = { .imr_ifindex = lo };

		if (inet_pton(AF_INET, group, &mr.imr_multiaddr) != 1)
			die("bad group %s", group);
		if (setsockopt(s->fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)))
			die("join %s: %s", group, strerror(errno));
	} else {
		struct ipv6_mreq mr = { .ipv6mr_interface = lo };

		if (inet_pton(AF_INET6, group, &mr.ipv6mr_multiaddr) != 1)
			die("bad group %s", group);
		if (setsockopt(s->fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr)))
			die("join %s: %s", group, strerror(errno));
	}
}

static void multicast_on_lo(struct sock *s)
{
	int lo = if_nametoindex("lo");

	if (s->family == AF_INET) {
		struct ip_mreqn mr = { .imr_ifindex = lo };

		if (setsockopt(s->fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)))
			die("setsockopt IP_MULTICAST_IF lo: %s", strerror(errno));
	} else {
		setopt(s->fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, lo, "IPV6_MULTICAST_IF lo");
	}
}

static void report_local(struct sock *s)
{
	char host[INET6_ADDRSTRLEN];
	int port;

	s->bound_len = sizeof(s->bound);
	if (getsockname(s->fd, (struct sockaddr *)&s->bound, &s->bound_len))
		die("getsockname: %s", strerror(errno));
	fmt_addr(&s->bound, host, sizeof(host), &port);
	fprintf(result, "local %s %s %d\n", s->name, host, port);
}

static void sock_option(struct sock *s, const char *opt, const char *v, int pass);

static void cmd_sock(char **argv, int argc)
{
	struct sock *s;
	int proto;

	if (argc < 4 || nsocks == MAX_SOCKS)
		die("sock NAME FAMILY PROTO [opts]");
	s = &socks[nsocks++];
	snprintf(s->name, sizeof(s->name), "%s", argv[1]);
	s->family = !strcmp(argv[2], "6") ? AF_INET6 : AF_INET;
	proto = !strcmp(argv[3], "udplite") ? IPPROTO_UDPLITE : IPPROTO_UDP;
	s->fd = socket(s->family, SOCK_DGRAM, proto);
	if (s->fd < 0)
		die("socket: %s", strerror(errno));

	/* Options first, then bind, then connect, whatever order they came in. */
	for (int i = 4; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (!eq)
			die("bad option %s", argv[i]);
		*eq = 0;
	}
	for (int pass = 0; pass < 3; pass++)
		for (int i = 4; i < argc; i++)
			sock_option(s, argv[i], argv[i] + strlen(argv[i]) + 1, pass);
	report_local(s);
}

static void sock_option(struct sock *s, const char *opt, const char *v, int pass)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int want = !strcmp(opt, "bind") ? 1 : !strcmp(opt, "connect") ? 2 : 0;

	if (want != pass)
		return;
	{
		if (!strcmp(opt, "bind")) {
			len = parse_addr(v, s->family, &ss);
			if (bind(s->fd, (struct sockaddr *)&ss, len))
				die("bind %s: %s", v, strerror(errno));
		} else if (!strcmp(opt, "connect")) {
			len = parse_addr(v, s->family, &ss);
			if (connect(s->fd, (struct sockaddr *)&ss, len))
				die("connect %s: %s", v, strerror(errno));
		} else if (!strcmp(opt, "v6only")) {
			setopt(s->fd, IPPROTO_IPV6, IPV6_V6ONLY, atoi(v), "v6only");
		} else if (!strcmp(opt, "join")) {
			join_group(s, v);
		} else if (!strcmp(opt, "mcastlo")) {
			multicast_on_lo(s);
		} else if (!strcmp(opt, "broadcast")) {
			setopt(s->fd, SOL_SOCKET, SO_BROADCAST, atoi(v), "broadcast");
		} else if (!strcmp(opt, "reuseaddr")) {
			setopt(s->fd, SOL_SOCKET, SO_REUSEADDR, atoi(v), "reuseaddr");
		} else if (!strcmp(opt, "rcvbuf")) {
			setopt(s->fd, SOL_SOCKET, SO_RCVBUF, atoi(v), "rcvbuf");
		} else if (!strcmp(opt, "rcvbufforce")) {
			setopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, atoi(v), "rcvbufforce");
		} else if (!strcmp(opt, "peekoff")) {
			setopt(s->fd, SOL_SOCKET, SO_PEEK_OFF, atoi(v), "peekoff");
		} else if (!strcmp(opt, "pktinfo")) {
			s->pktinfo = atoi(v);
			if (s->family == AF_INET)
				setopt(s->fd, IPPROTO_IP, IP_PKTINFO, s->pktinfo, "pktinfo");
			else
				setopt(s->fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, s->pktinfo, "pktinfo");
		} else if (!strcmp(opt, "cork")) {
			setopt(s->fd, IPPROTO_UDP, UDP_CORK, atoi(v), "cork");
		} else if (!strcmp(opt, "ttl")) {
			if (s->family == AF_INET)
				setopt(s->fd, IPPROTO_IP, IP_TTL, atoi(v), "ttl");
			else
				setopt(s->fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, atoi(v), "hops");
		} else if (!strcmp(opt, "recvttl")) {
			if (s->family == AF_INET)
				setopt(s->fd, IPPROTO_IP, IP_RECVTTL, atoi(v), "recvttl");
			else
				setopt(s->fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, atoi(v), "recvhoplimit");
		} else if (!strcmp(opt, "recvtos")) {
			if (s->family == AF_INET)
				setopt(s->fd, IPPROTO_IP, IP_RECVTOS, atoi(v), "recvtos");
			else
				setopt(s->fd, IPPROTO_IPV6, IPV6_RECVTCLASS, atoi(v), "recvtclass");
		} else if (!strcmp(opt, "tstampns")) {
			setopt(s->fd, SOL_SOCKET, SO_TIMESTAMPNS, atoi(v), "tstampns");
		} else if (!strcmp(opt, "flowinfo")) {
			setopt(s->fd, IPPROTO_IPV6, UDPQ_IPV6_FLOWINFO, atoi(v), "flowinfo");
		} else if (!strcmp(opt, "tos")) {
			if (s->family == AF_INET)
				setopt(s->fd, IPPROTO_IP, IP_TOS, atoi(v), "tos");
			else
				setopt(s->fd, IPPROTO_IPV6, IPV6_TCLASS, atoi(v), "tclass");
		} else {
			die("unknown option %s", opt);
		}
	}
}

/*
 * The loopback hands each datagram to the sending CPU's backlog, and a busy
 * CPU (a TCG guest often is one) leaves that backlog to ksoftirqd: a sender
 * that moves to the other CPU between two sends can have the second delivered
 * first, or the first still in flight when the harness checkpoints. The
 * harness expects the queues its script implies, so the sends of a stretch of
 * script go out from one CPU and settle() waits for the loopback to deliver
 * them before anything else looks at a socket.
 */
static cpu_set_t unpinned;
static int pinned;

static void pin(void)
{
	cpu_set_t one;
	int cpu;

	if (pinned)
		return;
	cpu = sched_getcpu();
	if (cpu < 0 || sched_getaffinity(0, sizeof(unpinned), &unpinned))
		die("sched_getcpu/getaffinity: %s", strerror(errno));
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		die("pin to CPU %d: %s", cpu, strerror(errno));
	pinned = 1;
}

/* One CPU's backlog is FIFO: once a marker sent last from it arrives, so has everything before it. */
static void settle(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct pollfd p = { .events = POLLIN };
	socklen_t sl = sizeof(sa);
	char c;

	if (!pinned)
		return;
	p.fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (p.fd < 0 || bind(p.fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(p.fd, (struct sockaddr *)&sa, &sl) ||
	    sendto(p.fd, "", 0, 0, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		die("settle: marker: %s", strerror(errno));
	if (poll(&p, 1, 10000) != 1 || recv(p.fd, &c, 1, MSG_DONTWAIT) != 0)
		die("settle: the loopback did not deliver the sent datagrams within 10 s");
	close(p.fd);
	if (sched_setaffinity(0, sizeof(unpinned), &unpinned))
		die("unpin: %s", strerror(errno));
	pinned = 0;
}

static void do_send(struct sock *from, const char *dst, const unsigned char *buf, size_t len,
		    int flags, int ttl, int tos)
{
	union {
		char buf[CMSG_SPACE(sizeof(int)) * 2];
		struct cmsghdr align;
	} cbuf;
	struct sockaddr_storage ss;
	struct iovec iov = { (void *)buf, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;
	int v6 = from->family == AF_INET6;
	ssize_t n;

	if (strcmp(dst, "-")) {
		mh.msg_namelen = parse_addr(dst, from->family, &ss);
		mh.msg_name = &ss;
	}
	memset(&cbuf, 0, sizeof(cbuf));
	mh.msg_control = cbuf.buf;
	mh.msg_controllen = sizeof(cbuf.buf);
	c = CMSG_FIRSTHDR(&mh);
	if (ttl >= 0) {
		c->cmsg_level = v6 ? IPPROTO_IPV6 : IPPROTO_IP;
		c->cmsg_type = v6 ? IPV6_HOPLIMIT : IP_TTL;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &ttl, sizeof(int));
		c = CMSG_NXTHDR(&mh, c);
	}
	if (tos >= 0) {
		c->cmsg_level = v6 ? IPPROTO_IPV6 : IPPROTO_IP;
		c->cmsg_type = v6 ? IPV6_TCLASS : IP_TOS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &tos, sizeof(int));
	}
	mh.msg_controllen = (ttl >= 0) * CMSG_SPACE(sizeof(int)) + (tos >= 0) * CMSG_SPACE(sizeof(int));
	if (!mh.msg_controllen)
		mh.msg_control = NULL;
	pin();
	n = sendmsg(from->fd, &mh, flags);
	if (n != (ssize_t)len)
		die("sendmsg %s from %s: %s", dst, from->name, n < 0 ? strerror(errno) : "short");
}

/* "send FROM TO": the destination is what TO is bound to, in FROM's family. */
static void bound_dest(struct sock *from, struct sock *to, char *out, size_t outl)
{
	char host[INET6_ADDRSTRLEN];
	int port;

	fmt_addr(&to->bound, host, sizeof(host), &port);
	/* A wildcard bind is reached through loopback of the sender's family. */
	if (!strcmp(host, "::") || !strcmp(host, "0.0.0.0"))
		snprintf(host, sizeof(host), from->family == AF_INET ? "127.0.0.1" : "::1");
	if (from->family == AF_INET && !strncmp(host, "::ffff:", 7))
		memmove(host, host + 7, strlen(host + 7) + 1);
	snprintf(out, outl, "%s,%d", host, port);
}

static void dump_dgram(const char *what, struct sock *s, unsigned char *buf, ssize_t n,
		       struct sockaddr_storage *src, struct msghdr *mh)
{
	char shost[INET6_ADDRSTRLEN], dhost[INET6_ADDRSTRLEN] = "-";
	int sport;

	int ttl = -1, tos = -1;
	long flow = -1;
	uint32_t fi;
	struct timespec at = { .tv_sec = -1 };

	fmt_addr(src, shost, sizeof(shost), &sport);
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
		    (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT))
			memcpy(&ttl, CMSG_DATA(c), sizeof(int));
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TOS)
			tos = *(unsigned char *)CMSG_DATA(c);
		if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_TCLASS)
			memcpy(&tos, CMSG_DATA(c), sizeof(int));
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS)
			memcpy(&at, CMSG_DATA(c), sizeof(at));
		if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == UDPQ_IPV6_FLOWINFO) {
			memcpy(&fi, CMSG_DATA(c), sizeof(fi));
			flow = ntohl(fi) & 0xfffff;
		}
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			inet_ntop(AF_INET, &pi.ipi_addr, dhost, sizeof(dhost));
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			inet_ntop(AF_INET6, &pi.ipi6_addr, dhost, sizeof(dhost));
		}
	}
	fprintf(result, "%s %s %s %d %s %zd %s", what, s->name, shost, sport, dhost, n, n ? "" : "-");
	for (ssize_t i = 0; i < n; i++)
		fprintf(result, "%02x", buf[i]);
	if (ttl >= 0)
		fprintf(result, " ttl=%d", ttl);
	if (tos >= 0)
		fprintf(result, " tos=%d", tos);
	if (at.tv_sec >= 0)
		fprintf(result, " at=%lld.%09ld", (long long)at.tv_sec, at.tv_nsec);
	if (flow >= 0)
		fprintf(result, " flow=%ld", flow);
	fputc('\n', result);
}

/* Returns 0 when the queue is empty (only with MSG_DONTWAIT). */
static int receive(struct sock *s, int flags, const char *what)
{
	static unsigned char buf[MAX_DGRAM + 1];
	char cbuf[512];
	struct sockaddr_storage src;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = {
		.msg_name = &src,
		.msg_namelen = sizeof(src),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	ssize_t n;

	memset(&src, 0, sizeof(src));
	n = recvmsg(s->fd, &mh, flags);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && (flags & MSG_DONTWAIT))
		return 0;
	if (n < 0)
		die("recvmsg %s: %s", s->name, strerror(errno));
	if (mh.msg_flags & MSG_TRUNC)
		die("datagram truncated on %s", s->name);
	dump_dgram(what, s, buf, n, &src, &mh);
	return 1;
}

static void cmd_recv_one(struct sock *s)
{
	struct pollfd p = { .fd = s->fd, .events = POLLIN };

	if (poll(&p, 1, 5000) != 1)
		die("nothing to receive on %s within 5 s", s->name);
	receive(s, MSG_DONTWAIT, "recv");
}

static void cmd_state(struct sock *s)
{
	char host[INET6_ADDRSTRLEN], peer[INET6_ADDRSTRLEN + 8] = "-";
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(int);
	int peekoff = 0, rcvbuf = 0, port;

	if (getsockopt(s->fd, SOL_SOCKET, SO_PEEK_OFF, &peekoff, &sl))
		die("SO_PEEK_OFF: %s", strerror(errno));
	sl = sizeof(int);
	if (getsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &sl))
		die("SO_RCVBUF: %s", strerror(errno));
	sl = sizeof(ss);
	if (!getpeername(s->fd, (struct sockaddr *)&ss, &sl)) {
		fmt_addr(&ss, host, sizeof(host), &port);
		snprintf(peer, sizeof(peer), "%s,%d", host, port);
	}
	sl = sizeof(ss);
	if (getsockname(s->fd, (struct sockaddr *)&ss, &sl))
		die("getsockname: %s", strerror(errno));
	fmt_addr(&ss, host, sizeof(host), &port);
	fprintf(result, "state %s peekoff=%d rcvbuf=%d local=%s,%d peer=%s\n", s->name, peekoff,
		rcvbuf, host, port, peer);
}

static int split(char *line, char **argv, int max)
{
	int argc = 0;

	for (char *tok = strtok(line, " \t\n"); tok && argc < max; tok = strtok(NULL, " \t\n"))
		argv[argc++] = tok;
	return argc;
}

static int run_line(char *line)
{
	static unsigned char buf[MAX_DGRAM];
	char *argv[32], dst[INET6_ADDRSTRLEN + 8];
	int argc;
	size_t len;

	if (line[0] == '#')
		return 0;
	argc = split(line, argv, 32);
	if (!argc)
		return 0;
	/* sends (and an uncork, which sends) run on; anything else sees them delivered */
	if (strncmp(argv[0], "send", 4) && strcmp(argv[0], "cork"))
		settle();
	if (!strcmp(argv[0], "after"))
		return 1;
	if (!strcmp(argv[0], "sock")) {
		cmd_sock(argv, argc);
	} else if (!strcmp(argv[0], "send") && argc == 4) {
		struct sock *from = find(argv[1]);

		bound_dest(from, find(argv[2]), dst, sizeof(dst));
		len = parse_payload(argv[3], buf);
		do_send(from, dst, buf, len, 0, -1, -1);
	} else if ((!strcmp(argv[0], "sendto") || !strcmp(argv[0], "sendmore")) && argc >= 4) {
		int ttl = -1, tos = -1;

		for (int i = 4; i < argc; i++) {
			if (!strncmp(argv[i], "ttl=", 4))
				ttl = atoi(argv[i] + 4);
			else if (!strncmp(argv[i], "tos=", 4))
				tos = atoi(argv[i] + 4);
			else
				die("unknown send option %s", argv[i]);
		}
		len = parse_payload(argv[3], buf);
		do_send(find(argv[1]), argv[2], buf, len, argv[0][4] == 'm' ? MSG_MORE : 0, ttl, tos);
	} else if (!strcmp(argv[0], "sendn") && argc == 6) {
		struct sock *from = find(argv[1]);
		unsigned long count = strtoul(argv[3], NULL, 10);
		unsigned long glen = strtoul(argv[4], NULL, 10);
		uint32_t seed = strtoul(argv[5], NULL, 10);

		if (glen > MAX_DGRAM)
			die("sendn length %lu too large", glen);
		bound_dest(from, find(argv[2]), dst, sizeof(dst));
		for (unsigned long i = 0; i < count; i++) {
			gen_payload(buf, glen, seed + i);
			do_send(from, dst, buf, glen, 0, -1, -1);
		}
	} else if (!strcmp(argv[0], "opt") && argc == 3) {
		char *eq = strchr(argv[2], '=');

		if (!eq)
			die("bad option %s", argv[2]);
		*eq = 0;
		sock_option(find(argv[1]), argv[2], eq + 1, 0);
	} else if (!strcmp(argv[0], "cork") && argc == 3) {
		pin();
		setopt(find(argv[1])->fd, IPPROTO_UDP, UDP_CORK, atoi(argv[2]), "cork");
	} else if (!strcmp(argv[0], "close") && argc == 2) {
		close(find(argv[1])->fd);
	} else if (!strcmp(argv[0], "peek") && argc == 2) {
		struct sock *s = find(argv[1]);

		if (!receive(s, MSG_PEEK | MSG_DONTWAIT, "peek"))
			fprintf(result, "empty %s\n", s->name);
	} else if (!strcmp(argv[0], "drain") && argc == 2) {
		struct sock *s = find(argv[1]);

		while (receive(s, MSG_DONTWAIT, "recv"))
			;
		fprintf(result, "empty %s\n", s->name);
	} else if (!strcmp(argv[0], "recv") && argc == 2) {
		cmd_recv_one(find(argv[1]));
	} else if (!strcmp(argv[0], "state") && argc == 2) {
		cmd_state(find(argv[1]));
	} else if (!strcmp(argv[0], "waiterr") && argc == 2) {
		struct pollfd p = { .fd = find(argv[1])->fd };

		if (poll(&p, 1, 5000) != 1 || !(p.revents & POLLERR))
			die("no pending error on %s within 5 s", argv[1]);
	} else if (!strcmp(argv[0], "error") && argc == 2) {
		socklen_t sl = sizeof(int);
		int err = 0;

		if (getsockopt(find(argv[1])->fd, SOL_SOCKET, SO_ERROR, &err, &sl))
			die("SO_ERROR: %s", strerror(errno));
		fprintf(result, "sockerr %s %d\n", argv[1], err);
	} else if (!strcmp(argv[0], "clock") && argc == 1) {
		struct timespec now;

		clock_gettime(CLOCK_REALTIME, &now);
		fprintf(result, "clock %lld.%09ld\n", (long long)now.tv_sec, now.tv_nsec);
	} else if (!strcmp(argv[0], "fork") && argc == 1) {
		pid_t pid;

		if (nchildren == 16)
			die("too many children");
		pid = fork();
		if (pid < 0)
			die("fork: %s", strerror(errno));
		if (!pid)
			for (;;)
				pause();
		children[nchildren++] = pid;
	} else {
		die("cannot parse '%s' with %d fields", argv[0], argc);
	}
	return 0;
}

static void on_usr1(int sig)
{
	(void)sig;
	go = 1;
}

int main(int argc, char **argv)
{
	char line[1 << 16];
	FILE *script, *ready;
	sigset_t block, old;
	struct sigaction sa = { .sa_handler = on_usr1 };

	if (argc != 4) {
		fprintf(stderr, "usage: udpq <script> <ready-file> <result-file>\n");
		return 2;
	}
	/* Block SIGUSR1 before anything, so a signal sent early is not lost. */
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &old);
	sigaction(SIGUSR1, &sa, NULL);

	script = fopen(argv[1], "r");
	if (!script) {
		perror(argv[1]);
		return 2;
	}
	/*
	 * Results of the "before" section are kept in memory: a file that grows
	 * between dump and restore would make CRIU refuse to restore it.
	 */
	{
		char *mem = NULL;
		size_t memlen = 0;
		int after = 0;

		result = open_memstream(&mem, &memlen);
		while (!after && fgets(line, sizeof(line), script)) {
			lineno++;
			after = run_line(line);
		}
		settle();
		fflush(result);

		ready = fopen(argv[2], "w");
		if (!ready || fwrite(mem, 1, memlen, ready) != memlen || fclose(ready)) {
			perror(argv[2]);
			return 2;
		}

		while (!go)
			sigsuspend(&old);

		fclose(result);
		result = fopen(argv[3], "w");
		if (!result) {
			perror(argv[3]);
			return 2;
		}
		fwrite(mem, 1, memlen, result);
		fprintf(result, "after\n");
		free(mem);
	}
	while (fgets(line, sizeof(line), script)) {
		lineno++;
		run_line(line);
	}
	settle();
	for (int i = 0; i < nchildren; i++) {
		kill(children[i], SIGKILL);
		waitpid(children[i], NULL, 0);
	}
	fprintf(result, "done\n");
	if (fclose(result))
		return 2;
	return 0;
}
