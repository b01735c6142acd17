// SPDX-License-Identifier: GPL-2.0
/*
 * udp_repair_stress: randomized stress of UDP_REPAIR_QUEUE (setsockopt) and
 * UDP_REPAIR_CORK (getsockopt), run in the guest by KernelStressIT.
 *
 *   udp_repair_stress [-t SECONDS] [-s SEED] [-j THREADS]
 *
 * Worker threads pick operations at random. "Private" operations own their
 * sockets, so they know exactly what the kernel must answer and what the
 * sockets must deliver (valid injections are read back byte for byte).
 * "Race" operations share a few socket slots between all threads: they
 * inject, peek, read, read the cork, shut down, shrink buffers, cork with
 * MSG_MORE and replace the socket under the others (dup3 onto the slot fd,
 * so the fd number never points at a stranger's socket). Everything sent or
 * injected into the slots is made of self-checking records, so whatever a
 * full read or a cork read returns must still parse.
 *
 * Every call's outcome lands in a per-operation errno histogram. An outcome
 * outside the operation's allowed set, or data that does not match, is a
 * violation. Exit status: 0 no violation and at least one verified valid
 * injection, 1 violations, 2 usage, 3 the kernel lacks the options (or no
 * socket), 4 nothing was injected. The last line is "summary key=value ..."
 * for the harness.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/udp.h>

#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#ifndef SOL_UDPLITE
#define SOL_UDPLITE 136
#endif

_Static_assert(sizeof(struct udp_repair_queue) == 56, "udp_repair_queue ABI");
_Static_assert(sizeof(struct udp_repair_cork) == 80, "udp_repair_cork ABI");

#define QHDR ((int)sizeof(struct udp_repair_queue))
#define CHDR ((int)sizeof(struct udp_repair_cork))
#define MAX4 65507
#define MAX6 65527
#define BIG (CHDR + 65536)
#define NSLOTS 8
#define SLOT_PORT 21000
#define MAXERR 160
#define MAX_VIOLATIONS_SHOWN 25
/* buf holds up to 8 maximal datagrams; rbuf a read buffer, then the expected cork bytes */
#define BUF_SIZE (640 << 10)
#define RBUF_SIZE (256 << 10)

/* ---------- operations and their outcome histograms ---------- */

enum op {
	OP_QUEUE_VALID,
	OP_QUEUE_SHORT_OPTLEN,
	OP_QUEUE_LEN_MISMATCH,
	OP_QUEUE_FLAGS,
	OP_QUEUE_BAD_FAMILY,
	OP_QUEUE_V6_ON_V4,
	OP_QUEUE_V4_ON_V6ONLY,
	OP_QUEUE_MIXED_MAPPED,
	OP_QUEUE_OVERSIZED,
	OP_QUEUE_HUGE_OPTLEN,
	OP_QUEUE_BAD_POINTER,
	OP_QUEUE_RANDOM_BYTES,
	OP_QUEUE_RCVBUF_FULL,
	OP_CORK_GET,
	OP_CORK_BAD_POINTER,
	OP_WRONG_SOCKET_QUEUE,
	OP_WRONG_SOCKET_CORK,
	OP_NOCAP_QUEUE,
	OP_NOCAP_CORK,
	OP_NOBODY_QUEUE,
	OP_NOBODY_CORK,
	OP_USERNS_UNSHARE,
	OP_USERNS_FOREIGN_QUEUE,
	OP_USERNS_FOREIGN_CORK,
	OP_USERNS_OWN_QUEUE,
	OP_USERNS_OWN_CORK,
	OP_RACE_INJECT,
	OP_RACE_CORK_GET,
	OP_RACE_RECV,
	OP_RACE_PEEK,
	OP_RACE_REPLACE,
	OP_RACE_SHUTDOWN,
	OP_RACE_RCVBUF,
	OP_RACE_SEND_MORE,
	OP_RACE_UNCORK,
	OP_RACE_CONNECT,
	OP_RACE_BIND,
	OP_COUNT
};

static const char *const op_names[OP_COUNT] = {
	"queue.valid", "queue.short_optlen", "queue.len_mismatch", "queue.flags",
	"queue.bad_family", "queue.v6_on_v4", "queue.v4_on_v6only", "queue.mixed_mapped",
	"queue.oversized", "queue.huge_optlen", "queue.bad_pointer", "queue.random_bytes",
	"queue.rcvbuf_full", "cork.get", "cork.bad_pointer", "wrong_socket.queue",
	"wrong_socket.cork", "nocap.queue", "nocap.cork", "nobody.queue", "nobody.cork",
	"userns.unshare", "userns.foreign.queue", "userns.foreign.cork", "userns.own.queue",
	"userns.own.cork", "race.inject", "race.cork_get", "race.recv", "race.peek",
	"race.replace", "race.shutdown", "race.rcvbuf", "race.send_more", "race.uncork",
	"race.connect", "race.bind",
};

static unsigned long hist[OP_COUNT][MAXERR];

static struct {
	unsigned long valid_injected, valid_bytes, real_after_injected, cork_verified;
	unsigned long shared_intact, cork_reads_intact, violations, child_runs, peeked_whole;
} totals;

static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;

static void bump(unsigned long *c, unsigned long n)
{
	__atomic_fetch_add(c, n, __ATOMIC_RELAXED);
}

static void violation(const char *fmt, ...)
{
	unsigned long n = __atomic_add_fetch(&totals.violations, 1, __ATOMIC_RELAXED);
	va_list ap;

	if (n > MAX_VIOLATIONS_SHOWN)
		return;
	pthread_mutex_lock(&report_lock);
	fputs("VIOLATION: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	pthread_mutex_unlock(&report_lock);
}

/*
 * Counts the outcome of one call (rc 0 or -1 with errno) and checks it is in
 * the allowed list (errno values, 0 for success, terminated by -1).
 * Returns the errno (0 on success).
 */
static int outcome(enum op op, int rc, const int *allowed)
{
	int err = rc == 0 ? 0 : errno;
	int i;

	bump(&hist[op][err < MAXERR ? err : MAXERR - 1], 1);
	for (i = 0; allowed[i] >= 0; i++)
		if (allowed[i] == err)
			return err;
	violation("%s: unexpected %s", op_names[op], err ? strerror(err) : "success");
	return err;
}

#define ALLOW(...) ((const int[]){__VA_ARGS__, -1})

/* ---------- randomness (per thread, seeded) ---------- */

struct rng {
	uint64_t s;
};

static uint64_t next64(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545F4914F6CDD1DULL;
}

static uint32_t rnd(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(next64(r) % n) : 0;
}

static void fill(struct rng *r, void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len >= 8) {
		uint64_t v = next64(r);

		memcpy(p, &v, 8);
		p += 8;
		len -= 8;
	}
	while (len--)
		*p++ = (unsigned char)next64(r);
}

/* Payload lengths that matter: empty, tiny, around the MTU, jumbo, the maximum. */
static uint32_t pick_len(struct rng *r, uint32_t max)
{
	switch (rnd(r, 8)) {
	case 0: return 0;
	case 1: return 1 + rnd(r, 16);
	case 2: return 1400 + rnd(r, 200);
	case 3: return 9000 + rnd(r, 100);
	case 4: return max - rnd(r, 3);
	default: return rnd(r, 1200);
	}
}

/* ---------- sockets ---------- */

static int lo_addr(int family, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return sizeof(*a);
	}
	struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

	a->sin6_family = AF_INET6;
	a->sin6_port = htons(port);
	a->sin6_addr = in6addr_loopback;
	return sizeof(*a);
}

static void on(int fd, int level, int name)
{
	int one = 1;

	setsockopt(fd, level, name, &one, sizeof(one));
}

static void set_int(int fd, int level, int name, int v)
{
	setsockopt(fd, level, name, &v, sizeof(v));
}

/* Destination address and TTL reported by recvmsg, for both families on an AF_INET6 socket. */
static void rx_options(int fd, int family, int v6only)
{
	if (family == AF_INET6) {
		set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, v6only);
		on(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO);
		on(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT);
	}
	on(fd, IPPROTO_IP, IP_PKTINFO);
	on(fd, IPPROTO_IP, IP_RECVTTL);
}

/* A UDP or UDP-Lite socket bound to loopback, reporting pktinfo and TTL; its port in *port. */
static int rx_socket(int family, int proto, int v6only, uint16_t *port)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, proto);

	if (fd < 0)
		return -1;
	rx_options(fd, family, v6only);
	sl = lo_addr(family, 0, &ss);
	/* bound to ::1 a socket turns v6-only (the kernel then refuses IPv4 injections, rightly) */
	if (family == AF_INET6 && !v6only)
		((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_any;
	if (bind(fd, (struct sockaddr *)&ss, sl) ||
	    (sl = sizeof(ss), getsockname(fd, (struct sockaddr *)&ss, &sl))) {
		close(fd);
		return -1;
	}
	*port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

/* Linux 7.1 removed UDP-Lite: main() probes once, and without it every case stays on UDP. */
static int have_udplite;

static int udp_level(struct rng *r)
{
	return rnd(r, 4) || !have_udplite ? SOL_UDP : SOL_UDPLITE;
}

static int udp_proto(struct rng *r)
{
	return rnd(r, 4) || !have_udplite ? IPPROTO_UDP : IPPROTO_UDPLITE;
}

/* ---------- valid injections, read back exactly ---------- */

struct dgram {
	struct udp_repair_queue hdr;
	int v4;              /* delivered as IPv4 */
	uint32_t exp_saddr[4]; /* what recvmsg reports, in the socket's family */
	uint32_t exp_daddr4;   /* IP_PKTINFO of an IPv4 datagram */
	uint32_t exp_daddr6[4]; /* IPV6_PKTINFO (v4-mapped for an IPv4 datagram) */
	unsigned char *buf;  /* header + payload, as passed to setsockopt */
};

static void v4_mapped(uint32_t out[4], uint32_t a)
{
	out[0] = 0;
	out[1] = 0;
	out[2] = htonl(0xffff);
	out[3] = a;
}

/* A random datagram a socket of sock_family (v6only) must accept. */
static void make_valid(struct rng *r, struct dgram *d, int sock_family, int v6only,
		       uint16_t port, unsigned char *buf)
{
	struct udp_repair_queue *h = &d->hdr;
	int kind = sock_family == AF_INET ? 0 : v6only ? 2 : rnd(r, 3);
	uint32_t s4 = (uint32_t)next64(r), d4 = rnd(r, 2) ? htonl(INADDR_LOOPBACK) : (uint32_t)next64(r);

	memset(h, 0, sizeof(*h));
	h->sport = (uint16_t)next64(r);
	h->dport = rnd(r, 2) ? htons(port) : 0;
	h->ttl = (uint8_t)next64(r);
	h->tos = (uint8_t)next64(r);
	h->ifindex = rnd(r, 2);
	d->v4 = kind != 2;
	if (kind == 0) {            /* AF_INET */
		h->family = AF_INET;
		h->saddr[0] = s4;
		h->daddr[0] = d4;
	} else if (kind == 1) {     /* AF_INET6, both v4-mapped: folded into IPv4 */
		h->family = AF_INET6;
		v4_mapped(h->saddr, s4);
		v4_mapped(h->daddr, d4);
	} else {                    /* plain IPv6; a global or link-local source */
		h->family = AF_INET6;
		fill(r, h->saddr, 16);
		((unsigned char *)h->saddr)[0] = rnd(r, 2) ? 0x20 : 0xfe;
		((unsigned char *)h->saddr)[1] = 0x80;
		if (rnd(r, 2))
			memcpy(h->daddr, &in6addr_loopback, 16);
		else
			fill(r, h->daddr, 16), ((unsigned char *)h->daddr)[0] = 0x20;
		h->flowinfo = (uint32_t)next64(r);
	}
	h->len = pick_len(r, d->v4 ? MAX4 : MAX6);
	memset(d->exp_saddr, 0, 16);
	d->exp_daddr4 = d4;
	if (d->v4 && sock_family == AF_INET6) {
		v4_mapped(d->exp_saddr, s4);
		v4_mapped(d->exp_daddr6, d4);
	} else if (d->v4) {
		d->exp_saddr[0] = s4;
	} else {
		memcpy(d->exp_saddr, h->saddr, 16);
		memcpy(d->exp_daddr6, h->daddr, 16);
	}
	d->buf = buf;
	memcpy(buf, h, QHDR);
	fill(r, buf + QHDR, h->len);
}

/* Reads one datagram (waiting at most 1 s) and compares it with d. */
static int read_back(int fd, int sock_family, const struct dgram *d, unsigned char *rbuf)
{
	struct sockaddr_storage from;
	char cbuf[512];
	struct iovec iov = { rbuf, 65536 };
	struct msghdr m = { &from, sizeof(from), &iov, 1, cbuf, sizeof(cbuf), 0 };
	struct pollfd p = { fd, POLLIN, 0 };
	int got_pktinfo = 0, got_ttl = 0;
	struct cmsghdr *c;
	ssize_t n;

	if (poll(&p, 1, 1000) != 1) {
		violation("queue.valid: injected datagram (%u B) not readable", d->hdr.len);
		return -1;
	}
	n = recvmsg(fd, &m, MSG_DONTWAIT);
	if (n < 0 || (uint32_t)n != d->hdr.len || (m.msg_flags & MSG_TRUNC) ||
	    memcmp(rbuf, d->buf + QHDR, d->hdr.len)) {
		violation("queue.valid: payload differs (len %zd, expected %u, flags 0x%x)",
			  n, d->hdr.len, m.msg_flags);
		return -1;
	}
	if (sock_family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&from;

		if (a->sin_family != AF_INET || a->sin_addr.s_addr != d->exp_saddr[0] ||
		    a->sin_port != d->hdr.sport) {
			violation("queue.valid: IPv4 source differs");
			return -1;
		}
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&from;

		if (a->sin6_family != AF_INET6 || memcmp(&a->sin6_addr, d->exp_saddr, 16) ||
		    a->sin6_port != d->hdr.sport) {
			violation("queue.valid: IPv6 source differs");
			return -1;
		}
	}
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			got_pktinfo = 1;
			if (pi.ipi_addr.s_addr != d->exp_daddr4 || (uint32_t)pi.ipi_ifindex != d->hdr.ifindex)
				violation("queue.valid: IP_PKTINFO differs");
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			got_pktinfo = 1;
			if (memcmp(&pi.ipi6_addr, d->exp_daddr6, 16) || pi.ipi6_ifindex != d->hdr.ifindex)
				violation("queue.valid: IPV6_PKTINFO differs");
		} else if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
			   (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT)) {
			int ttl;

			memcpy(&ttl, CMSG_DATA(c), sizeof(ttl));
			got_ttl = 1;
			if (ttl != d->hdr.ttl)
				violation("queue.valid: TTL %d, injected %u", ttl, d->hdr.ttl);
		}
	}
	if (!got_pktinfo || !got_ttl)
		violation("queue.valid: pktinfo/ttl cmsg missing (%d/%d)", got_pktinfo, got_ttl);
	return 0;
}

static int cork_probe(int fd, int level, void *buf, int len, int *outlen)
{
	socklen_t l = (socklen_t)len;
	int rc = getsockopt(fd, level, UDP_REPAIR_CORK, buf, &l);

	*outlen = (int)l;
	return rc;
}

/* Peeks the queue through SO_PEEK_OFF, as CRIU dumps it: datagram after datagram, nothing consumed. */
static int peek_all(int fd, const struct dgram *d, int count, unsigned char *rbuf)
{
	int i;

	set_int(fd, SOL_SOCKET, SO_PEEK_OFF, 0);
	for (i = 0; i < count; i++) {
		ssize_t n = recv(fd, rbuf, 65536, MSG_PEEK | MSG_DONTWAIT);

		if (n != (ssize_t)d[i].hdr.len || memcmp(rbuf, d[i].buf + QHDR, d[i].hdr.len)) {
			violation("queue.valid: SO_PEEK_OFF peek %d of %d: %zd B, injected %u", i, count, n, d[i].hdr.len);
			return -1;
		}
	}
	set_int(fd, SOL_SOCKET, SO_PEEK_OFF, -1);
	bump(&totals.peeked_whole, 1);
	return 0;
}

enum rx_state { RX_BOUND, RX_CONNECTED, RX_SENDING_CORKED, RX_UNBOUND, RX_STATES };

/*
 * Injects 1..8 datagrams into a fresh socket (bound, connected to the sender,
 * with a corked datagram of its own pending, or unbound), sends one real
 * datagram after them, and reads everything back: sometimes first by
 * SO_PEEK_OFF peeks, then the injected ones in order, then the real one, then
 * nothing. A pending cork of the socket must be untouched.
 */
static void op_queue_valid(struct rng *r, unsigned char *buf, unsigned char *rbuf)
{
	int family = rnd(r, 2) ? AF_INET : AF_INET6;
	int proto = udp_proto(r);
	int v6only = family == AF_INET6 && rnd(r, 3) == 0;
	enum rx_state state = rnd(r, RX_STATES);
	int n = 1 + rnd(r, 8), i, accepted = 0, tx = -1, fd;
	struct dgram d[8];
	struct sockaddr_storage to, txa;
	socklen_t txl = sizeof(txa);
	uint16_t port = 0, txport;
	unsigned char *p = buf;

	if (state == RX_UNBOUND) {
		fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, proto);
		if (fd >= 0)
			rx_options(fd, family, v6only);
	} else {
		fd = rx_socket(family, proto, v6only, &port);
	}
	if (fd < 0)
		return;
	set_int(fd, SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20);
	if (state != RX_UNBOUND) {
		tx = rx_socket(family == AF_INET6 && !v6only ? AF_INET6 : family, proto, 1, &txport);
		if (tx < 0 || getsockname(tx, (struct sockaddr *)&txa, &txl))
			goto out;
	}
	if (state == RX_CONNECTED && connect(fd, (struct sockaddr *)&txa, txl))
		violation("queue.valid: connect: %s", strerror(errno));
	if (state == RX_SENDING_CORKED &&
	    sendto(fd, "pending!", 8, MSG_MORE, (struct sockaddr *)&txa, txl) != 8)
		violation("queue.valid: MSG_MORE send: %s", strerror(errno));
	for (i = 0; i < n; i++) {
		make_valid(r, &d[i], family, v6only, port, p);
		if (outcome(OP_QUEUE_VALID, setsockopt(fd, udp_level(r), UDP_REPAIR_QUEUE, p,
						       QHDR + d[i].hdr.len), ALLOW(0))) {
			violation("queue.valid: ^ on a %s%s %s socket (state %d), datagram family %u (%s), %u B",
				  family == AF_INET ? "AF_INET" : "AF_INET6", v6only ? " v6only" : "",
				  proto == IPPROTO_UDP ? "UDP" : "UDP-Lite", state, d[i].hdr.family,
				  d[i].v4 ? "IPv4" : "IPv6", d[i].hdr.len);
			break;
		}
		p += QHDR + d[i].hdr.len;
		accepted++;
	}
	if (tx >= 0)
		sendto(tx, "real", 4, 0, (struct sockaddr *)&to, lo_addr(family, port, &to));
	if (rnd(r, 3) == 0 && peek_all(fd, d, accepted, rbuf))
		goto out;
	for (i = 0; i < accepted; i++) {
		if (read_back(fd, family, &d[i], rbuf))
			goto out;
		bump(&totals.valid_injected, 1);
		bump(&totals.valid_bytes, d[i].hdr.len);
	}
	if (tx >= 0) {
		struct pollfd pf = { fd, POLLIN, 0 };
		ssize_t got = poll(&pf, 1, 1000) == 1 ? recv(fd, rbuf, 65536, MSG_DONTWAIT) : -1;

		if (got != 4 || memcmp(rbuf, "real", 4))
			violation("queue.valid: the real datagram after %d injected ones (state %d): got %zd B",
				  accepted, state, got);
		else
			bump(&totals.real_after_injected, 1);
	}
	if (recv(fd, rbuf, 65536, MSG_DONTWAIT) >= 0)
		violation("queue.valid: an extra datagram in the queue");
	if (state == RX_SENDING_CORKED) {
		struct udp_repair_cork *c = (struct udp_repair_cork *)rbuf;
		int got;

		if (cork_probe(fd, SOL_UDP, rbuf, BIG, &got) || !(c->flags & UDP_REPAIR_CORK_PENDING) ||
		    c->len != 8 || memcmp(rbuf + CHDR, "pending!", 8))
			violation("queue.valid: the socket's own pending cork changed");
	}
out:
	if (tx >= 0)
		close(tx);
	close(fd);
}

/* ---------- malformed injections ---------- */

static void op_queue_malformed(struct rng *r, unsigned char *buf, unsigned char *guard)
{
	int family = rnd(r, 2) ? AF_INET : AF_INET6;
	int v6only = family == AF_INET6 && rnd(r, 2);
	struct udp_repair_queue *h = (struct udp_repair_queue *)buf;
	struct dgram d;
	uint16_t port;
	int fd = rx_socket(family, udp_proto(r), v6only, &port);
	int level = udp_level(r), rc, len;
	uint32_t i;

	if (fd < 0)
		return;
	make_valid(r, &d, family, v6only, port, buf);
	len = QHDR + h->len;
	switch (rnd(r, 12)) {
	case 0: /* 0, short, one short of the header */
		len = rnd(r, 3) == 0 ? 0 : rnd(r, 2) ? (int)rnd(r, QHDR) : QHDR - 1;
		outcome(OP_QUEUE_SHORT_OPTLEN, setsockopt(fd, level, UDP_REPAIR_QUEUE, buf, len),
			ALLOW(EINVAL));
		break;
	case 1: /* optlen disagrees with len: header only, one more or less, random */
		i = rnd(r, 3);
		h->len += i == 0 ? 1 + rnd(r, 100) : 0;
		if (i == 1)
			len = QHDR;
		if (h->len == (uint32_t)(len - QHDR))
			h->len++;
		outcome(OP_QUEUE_LEN_MISMATCH, setsockopt(fd, level, UDP_REPAIR_QUEUE, buf, len),
			ALLOW(EINVAL));
		break;
	case 2:
		h->flags = (uint32_t)next64(r) | 1u << rnd(r, 32);
		outcome(OP_QUEUE_FLAGS, setsockopt(fd, level, UDP_REPAIR_QUEUE, buf, len), ALLOW(EINVAL));
		break;
	case 3:
		do
			h->family = (uint16_t)next64(r) % (rnd(r, 2) ? 64 : 65536);
		while (h->family == AF_INET || h->family == AF_INET6);
		outcome(OP_QUEUE_BAD_FAMILY, setsockopt(fd, level, UDP_REPAIR_QUEUE, buf, len),
			ALLOW(EAFNOSUPPORT));
		break;
	case 4: /* IPv6 datagram into an AF_INET socket */
		if (family != AF_INET)
			break;
		h->family = AF_INET6;
		outcome(OP_QUEUE_V6_ON_V4, setsockopt(fd, level, UDP_REPAIR_QUEUE, buf, len),
			ALLOW(EAFNOSUPPORT));
		break;
	case 5: /* IPv4 datagram into a v6only socket, plain or v4-mapped */
		if (!v6only)
			break;
		if (rnd(r, 2)) {
			h->family = AF_INET;
		} else {
			v4_mapped(h->saddr, (uint32_t)next64(r));
			v4_mapped(h->daddr, htonl(INADDR_LOOPBACK));
		}
		outcome(OP_QUEUE_V4_ON_V6ONLY, setsockopt(fd, level, UDP_REPAIR_QUEUE, buf, len),
			ALLOW(EAFNOSUPPORT));
		break;
	case 6: /* one address v4-mapped, the other plain IPv6 (not ::) */
		if (family != AF_INET6)
			break;
		h->family = AF_INET6;
		fill(r, h->saddr, 16);
		fill(r, h->daddr, 16);
		((unsigned char *)h->saddr)[0] = ((unsigned char *)h->daddr)[0] = 0x20;
		v4_mapped(rnd(r, 2) ? h->saddr : h->daddr, (uint32_t)next64(r));
		outcome(OP_QUEUE_MIXED_MAPPED, setsockopt(fd, level, UDP_REPAIR_QUEUE, buf, len),
			ALLOW(EINVAL));
		break;
	case 7: /* payload above the family's maximum, or absurd; optlen agrees (only the header is read) */
		h->len = (d.v4 ? MAX4 : MAX6) + 1 + (rnd(r, 2) ? rnd(r, 10) : (uint32_t)next64(r) % 0x7fff0000u);
		outcome(OP_QUEUE_OVERSIZED, setsockopt(fd, level, UDP_REPAIR_QUEUE, buf, QHDR + h->len),
			ALLOW(EMSGSIZE));
		break;
	case 8: /* huge optlen, len disagreeing */
		outcome(OP_QUEUE_HUGE_OPTLEN, setsockopt(fd, level, UDP_REPAIR_QUEUE, buf,
							 0x7fffffff - rnd(r, 1000)), ALLOW(EINVAL));
		break;
	case 9: /* header unmapped, or payload running into an unmapped page */
		if (rnd(r, 2)) {
			rc = setsockopt(fd, level, UDP_REPAIR_QUEUE, rnd(r, 2) ? NULL : (void *)1, len);
		} else {
			uint32_t plen = 16 + rnd(r, 200);
			unsigned char *at = guard - QHDR - rnd(r, plen);

			h->len = plen;
			memcpy(at, h, QHDR);
			rc = setsockopt(fd, level, UDP_REPAIR_QUEUE, at, QHDR + plen);
		}
		outcome(OP_QUEUE_BAD_POINTER, rc, ALLOW(EFAULT));
		/* nothing half-built may stay queued */
		if (recv(fd, buf, 16, MSG_DONTWAIT) >= 0)
			violation("queue.bad_pointer: a datagram was queued");
		break;
	case 10: /* random header bytes and a random length: any documented answer */
		fill(r, buf, QHDR);
		if (rnd(r, 2))
			h->flags = 0;
		if (rnd(r, 2))
			h->family = rnd(r, 2) ? AF_INET : AF_INET6;
		h->len = rnd(r, 3) ? rnd(r, 300) : h->len;
		len = rnd(r, 3) ? QHDR + (int)(h->len & 0xffff) : (int)rnd(r, QHDR + 400);
		if (len > QHDR + 400)
			len = QHDR + (int)rnd(r, 400);
		rc = setsockopt(fd, level, UDP_REPAIR_QUEUE, buf, len);
		outcome(OP_QUEUE_RANDOM_BYTES, rc,
			ALLOW(0, EINVAL, EMSGSIZE, EAFNOSUPPORT, ENOBUFS, EFAULT));
		if (rc == 0 && recv(fd, buf + 262144, 65536, MSG_DONTWAIT) != (ssize_t)(len - QHDR))
			violation("queue.random_bytes: accepted datagram not read back whole");
		break;
	default: /* a tiny receive buffer: ENOBUFS once full, every accepted datagram intact */
		set_int(fd, SOL_SOCKET, SO_RCVBUF, rnd(r, 4096));
		for (i = 0; i < 64; i++) {
			rc = setsockopt(fd, level, UDP_REPAIR_QUEUE, buf, len);
			if (outcome(OP_QUEUE_RCVBUF_FULL, rc, ALLOW(0, ENOBUFS)))
				break;
		}
		if (i == 64)
			violation("queue.rcvbuf_full: 64 datagrams of %u B fit a tiny rcvbuf", h->len);
		while (i--) {
			ssize_t n = recv(fd, buf + 262144, 65536, MSG_DONTWAIT);

			if (n != (ssize_t)h->len || memcmp(buf + 262144, buf + QHDR, h->len)) {
				violation("queue.rcvbuf_full: accepted datagram differs");
				break;
			}
		}
	}
	close(fd);
}

/* ---------- UDP_REPAIR_CORK on a socket in a known state ---------- */

static void op_cork_get(struct rng *r, unsigned char *buf, unsigned char *guard, unsigned char *rbuf)
{
	int family = rnd(r, 2) ? AF_INET : AF_INET6;
	int proto = udp_proto(r);
	int mapped = family == AF_INET6 && rnd(r, 3) == 0; /* v6 socket corking towards ::ffff:127.0.0.1 */
	int rx_family = mapped ? AF_INET : family, level = udp_level(r);
	int corked = rnd(r, 2), sends = rnd(r, 5), i, got, rc, fd;
	uint32_t pending = 0;
	uint16_t port;
	struct sockaddr_storage to;
	socklen_t tolen;
	unsigned char *expect = rbuf + 65536 + CHDR;
	int rx = rx_socket(rx_family, proto, 0, &port);
	struct udp_repair_cork *c = (struct udp_repair_cork *)buf;

	if (rx < 0)
		return;
	fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, proto);
	tolen = lo_addr(rx_family, port, &to);
	if (mapped) {
		struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };

		v4_mapped((uint32_t *)&a6.sin6_addr, htonl(INADDR_LOOPBACK));
		memcpy(&to, &a6, sizeof(a6));
		tolen = sizeof(a6);
	}
	if (corked)
		on(fd, SOL_UDP, UDP_CORK);
	for (i = 0; i < sends; i++) {
		uint32_t n = rnd(r, 6) ? rnd(r, 1500) : rnd(r, 2) ? 0 : 20000 + rnd(r, 20000);

		if (pending + n > MAX4)
			break;
		fill(r, expect + pending, n);
		/* a failed send drops the whole pending datagram: nothing left to compare */
		if (sendto(fd, expect + pending, n, corked ? 0 : MSG_MORE, (struct sockaddr *)&to, tolen) != (ssize_t)n)
			goto out;
		pending += n;
	}
	sends = i;
	for (i = 0; i < 6; i++) {
		int needed = CHDR + (int)pending, len;

		switch (rnd(r, 7)) {
		case 0: len = -(int)rnd(r, 3); break;
		case 1: len = (int)rnd(r, CHDR); break;
		case 2: len = CHDR; break;
		case 3: len = needed; break;
		case 4: len = needed - 1; break;
		case 5: len = BIG; break;
		default: len = CHDR + (int)rnd(r, 70000); break;
		}
		if (rnd(r, 5) == 0) { /* the copy runs into an unmapped page */
			unsigned char *at = guard - (rnd(r, 2) ? CHDR / 2 : CHDR + (int)rnd(r, pending + 1));

			rc = cork_probe(fd, level, at, len < CHDR ? CHDR : len, &got);
			if (len < CHDR)
				len = CHDR;
			outcome(OP_CORK_BAD_POINTER, rc, len < needed ? ALLOW(ERANGE) :
				at + needed <= guard ? ALLOW(0) : ALLOW(EFAULT));
			continue;
		}
		memset(buf, 0xa5, CHDR);
		rc = cork_probe(fd, level, buf, len, &got);
		if (len < CHDR) {
			outcome(OP_CORK_GET, rc, ALLOW(EINVAL));
		} else if (len < needed) {
			if (!outcome(OP_CORK_GET, rc, ALLOW(ERANGE)) || got != needed)
				violation("cork.get: ERANGE with optlen %d, needed %d", got, needed);
		} else if (outcome(OP_CORK_GET, rc, ALLOW(0)) == 0) {
			uint32_t want = (sends ? UDP_REPAIR_CORK_PENDING : 0) | (corked ? UDP_REPAIR_CORK_CORKED : 0);

			if (got != (sends ? needed : CHDR) || c->flags != want || c->len != (sends ? pending : 0) ||
			    memcmp(buf + CHDR, expect, sends ? pending : 0))
				violation("cork.get: optlen %d flags 0x%x len %u; expected %d 0x%x %u", got, c->flags,
					  c->len, sends ? needed : CHDR, want, pending);
			else if (sends && (c->family != (mapped || family == AF_INET ? AF_INET : AF_INET6) ||
					   c->dport != htons(port)))
				violation("cork.get: family %u dport %u", c->family, ntohs(c->dport));
		}
	}
	/* push: the receiver gets exactly the pending bytes */
	if (sends) {
		ssize_t n;
		struct pollfd p = { rx, POLLIN, 0 };

		if (corked)
			set_int(fd, SOL_UDP, UDP_CORK, 0);
		else
			sendto(fd, "", 0, 0, (struct sockaddr *)&to, tolen);
		n = poll(&p, 1, 1000) == 1 ? recv(rx, rbuf, 65536, MSG_DONTWAIT) : -1;
		if (n != (ssize_t)pending || memcmp(rbuf, expect, pending))
			violation("cork.get: pushed datagram %zd B, expected %u", n, pending);
		else
			bump(&totals.cork_verified, 1);
	}
out:
	close(fd);
	close(rx);
}

/* ---------- sockets that are not UDP ---------- */

static void op_wrong_socket(struct rng *r, unsigned char *buf)
{
	static const int kinds[][3] = {
		{ AF_INET, SOCK_STREAM, 0 }, { AF_INET6, SOCK_STREAM, 0 },
		{ AF_INET, SOCK_RAW, IPPROTO_UDP }, { AF_INET6, SOCK_RAW, IPPROTO_UDP },
		{ AF_INET, SOCK_RAW, IPPROTO_RAW }, { AF_UNIX, SOCK_DGRAM, 0 }, { AF_UNIX, SOCK_STREAM, 0 },
		{ AF_INET, SOCK_DGRAM, IPPROTO_ICMP }, { AF_PACKET, SOCK_DGRAM, 0 },
	};
	const int *k = kinds[rnd(r, sizeof(kinds) / sizeof(kinds[0]))];
	int fd = socket(k[0], k[1] | SOCK_CLOEXEC, k[2]), got;
	struct dgram d;

	if (fd < 0)
		return;
	make_valid(r, &d, AF_INET, 0, 9, buf);
	outcome(OP_WRONG_SOCKET_QUEUE, setsockopt(fd, udp_level(r), UDP_REPAIR_QUEUE, buf, QHDR + d.hdr.len),
		ALLOW(ENOPROTOOPT, EOPNOTSUPP));
	outcome(OP_WRONG_SOCKET_CORK, cork_probe(fd, udp_level(r), buf, BIG, &got), ALLOW(ENOPROTOOPT, EOPNOTSUPP));
	close(fd);
}

/* ---------- callers without CAP_NET_ADMIN over the socket's netns ---------- */

struct child_result {
	int op, rc, err;
};

static void child_report(int pipefd, enum op op, int rc)
{
	struct child_result cr = { op, rc, rc ? errno : 0 };

	if (write(pipefd, &cr, sizeof(cr)) != sizeof(cr))
		_exit(3);
}

static int drop_net_admin(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[0].effective &= ~(1u << CAP_NET_ADMIN);
	d[0].permitted &= ~(1u << CAP_NET_ADMIN);
	d[0].inheritable &= ~(1u << CAP_NET_ADMIN);
	return syscall(SYS_capset, &h, d);
}

static void lo_up(void)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	strcpy(ifr.ifr_name, "lo");
	if (fd >= 0 && !ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP;
		ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	if (fd >= 0)
		close(fd);
}

/* In a forked child: the inherited socket refuses; in a user+net namespace of its own, its own socket accepts. */
static void unprivileged_child(int how, int fd, int pipefd, struct rng *r, unsigned char *buf)
{
	struct dgram d;
	int got, own;
	uint16_t port;

	make_valid(r, &d, AF_INET, 0, 9, buf);
	if (how == 0) {
		if (drop_net_admin())
			_exit(4);
		child_report(pipefd, OP_NOCAP_QUEUE, setsockopt(fd, SOL_UDP, UDP_REPAIR_QUEUE, buf, QHDR + d.hdr.len));
		child_report(pipefd, OP_NOCAP_CORK, cork_probe(fd, SOL_UDP, buf, BIG, &got));
	} else if (how == 1) {
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(4);
		child_report(pipefd, OP_NOBODY_QUEUE, setsockopt(fd, SOL_UDP, UDP_REPAIR_QUEUE, buf, QHDR + d.hdr.len));
		child_report(pipefd, OP_NOBODY_CORK, cork_probe(fd, SOL_UDP, buf, BIG, &got));
	} else {
		int rc = unshare(CLONE_NEWUSER | CLONE_NEWNET);

		child_report(pipefd, OP_USERNS_UNSHARE, rc);
		if (rc)
			_exit(0);
		child_report(pipefd, OP_USERNS_FOREIGN_QUEUE,
			     setsockopt(fd, SOL_UDP, UDP_REPAIR_QUEUE, buf, QHDR + d.hdr.len));
		child_report(pipefd, OP_USERNS_FOREIGN_CORK, cork_probe(fd, SOL_UDP, buf, BIG, &got));
		lo_up();
		own = rx_socket(AF_INET, IPPROTO_UDP, 0, &port);
		if (own < 0)
			_exit(5);
		rc = setsockopt(own, SOL_UDP, UDP_REPAIR_QUEUE, buf, QHDR + d.hdr.len);
		child_report(pipefd, OP_USERNS_OWN_QUEUE, rc);
		if (rc == 0) {
			ssize_t n = recv(own, buf + 70000, 65536, MSG_DONTWAIT);

			if (n != (ssize_t)d.hdr.len || memcmp(buf + 70000, buf + QHDR, d.hdr.len))
				_exit(6);
		}
		child_report(pipefd, OP_USERNS_OWN_CORK, cork_probe(own, SOL_UDP, buf, BIG, &got));
	}
	_exit(0);
}

static void op_unprivileged(struct rng *r, unsigned char *buf)
{
	int how = rnd(r, 3), pipefd[2], status, fd;
	uint16_t port;
	struct child_result cr;
	const int *const allowed[OP_COUNT] = {
		[OP_NOCAP_QUEUE] = ALLOW(EPERM), [OP_NOCAP_CORK] = ALLOW(EPERM),
		[OP_NOBODY_QUEUE] = ALLOW(EPERM), [OP_NOBODY_CORK] = ALLOW(EPERM),
		[OP_USERNS_UNSHARE] = ALLOW(0, EPERM, EINVAL, ENOSPC, EUSERS),
		[OP_USERNS_FOREIGN_QUEUE] = ALLOW(EPERM), [OP_USERNS_FOREIGN_CORK] = ALLOW(EPERM),
		[OP_USERNS_OWN_QUEUE] = ALLOW(0), [OP_USERNS_OWN_CORK] = ALLOW(0),
	};
	pid_t pid;

	fd = rx_socket(AF_INET, IPPROTO_UDP, 0, &port);
	if (fd < 0 || pipe2(pipefd, O_CLOEXEC)) {
		if (fd >= 0)
			close(fd);
		return;
	}
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		unprivileged_child(how, fd, pipefd[1], r, buf);
	}
	close(pipefd[1]);
	while (pid > 0 && read(pipefd[0], &cr, sizeof(cr)) == sizeof(cr)) {
		if (cr.op < 0 || cr.op >= OP_COUNT || !allowed[cr.op])
			break;
		errno = cr.err;
		if (outcome(cr.op, cr.rc, allowed[cr.op]) == 0 && cr.op == OP_USERNS_OWN_QUEUE)
			bump(&totals.valid_injected, 1);
	}
	close(pipefd[0]);
	if (pid > 0 && waitpid(pid, &status, 0) == pid) {
		bump(&totals.child_runs, 1);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			violation("unprivileged child (mode %d) ended with status 0x%x", how, status);
	}
	/* nothing the refused calls tried may have been queued */
	if (recv(fd, buf, 16, MSG_DONTWAIT) >= 0)
		violation("unprivileged child (mode %d): a refused injection was queued", how);
	close(fd);
}

/* ---------- races on shared slots ---------- */

/* A record: magic, length, checksum, bytes. Slots only ever carry whole records. */
#define REC_MAGIC 0x5a44544du
#define REC_HDR 12

static int slot_fd[NSLOTS];

static uint32_t rec_sum(const unsigned char *p, uint32_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static uint32_t make_records(struct rng *r, unsigned char *p, int count)
{
	uint32_t total = 0;

	while (count--) {
		uint32_t n = rnd(r, 4) ? rnd(r, 200) : rnd(r, 1200), hdr[3];

		fill(r, p + total + REC_HDR, n);
		hdr[0] = REC_MAGIC;
		hdr[1] = n;
		hdr[2] = rec_sum(p + total + REC_HDR, n);
		memcpy(p + total, hdr, REC_HDR);
		total += REC_HDR + n;
	}
	return total;
}

static int records_intact(const unsigned char *p, uint32_t n)
{
	while (n) {
		uint32_t hdr[3];

		if (n < REC_HDR)
			return 0;
		memcpy(hdr, p, REC_HDR);
		if (hdr[0] != REC_MAGIC || hdr[1] > n - REC_HDR || hdr[2] != rec_sum(p + REC_HDR, hdr[1]))
			return 0;
		p += REC_HDR + hdr[1];
		n -= REC_HDR + hdr[1];
	}
	return 1;
}

static int new_slot_socket(struct rng *r)
{
	int family = rnd(r, 2) ? AF_INET : AF_INET6;
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, udp_proto(r));
	struct timeval tv = { 0, 20000 };

	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if (family == AF_INET6)
			set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, rnd(r, 2));
	}
	return fd;
}

static void slot_dest(struct rng *r, struct sockaddr_storage *to, socklen_t *len)
{
	*len = lo_addr(rnd(r, 2) ? AF_INET : AF_INET6, SLOT_PORT + rnd(r, NSLOTS), to);
}

/* Any error a racing socket operation may legitimately meet. */
#define RACE_ERRS EINVAL, EAFNOSUPPORT, ENOBUFS, EAGAIN, EADDRINUSE, EADDRNOTAVAIL, EMSGSIZE, \
	ECONNREFUSED, EHOSTUNREACH, EDESTADDRREQ, ENOTCONN, EISCONN, EPIPE, ENETUNREACH, EPERM, ENOMEM, ERANGE, EALREADY

static void op_race(struct rng *r, unsigned char *buf, unsigned char *rbuf)
{
	int s = rnd(r, NSLOTS), fd = slot_fd[s], got, rc;
	struct sockaddr_storage to;
	socklen_t tolen;
	ssize_t n;

	switch (rnd(r, 16)) {
	case 0: case 1: case 2: { /* inject whole records */
		struct udp_repair_queue *h = (struct udp_repair_queue *)buf;
		int v4 = rnd(r, 2);

		memset(h, 0, QHDR);
		h->family = v4 ? AF_INET : AF_INET6;
		h->sport = htons(SLOT_PORT + rnd(r, NSLOTS));
		if (v4) {
			h->saddr[0] = h->daddr[0] = htonl(INADDR_LOOPBACK);
		} else {
			memcpy(h->saddr, &in6addr_loopback, 16);
			memcpy(h->daddr, &in6addr_loopback, 16);
		}
		h->len = make_records(r, buf + QHDR, rnd(r, 4));
		outcome(OP_RACE_INJECT, setsockopt(fd, udp_level(r), UDP_REPAIR_QUEUE, buf, QHDR + h->len),
			ALLOW(0, EAFNOSUPPORT, ENOBUFS, ENOMEM));
		break;
	}
	case 3: case 4: /* the pending cork, read under the socket lock: whole records only */
		rc = cork_probe(fd, udp_level(r), buf, BIG, &got);
		if (outcome(OP_RACE_CORK_GET, rc, ALLOW(0)) == 0) {
			const struct udp_repair_cork *c = (const struct udp_repair_cork *)buf;

			if (got != CHDR + (int)c->len || !records_intact(buf + CHDR, c->len))
				violation("race.cork_get: %u pending bytes are not whole records (optlen %d)", c->len, got);
			else
				bump(&totals.cork_reads_intact, 1);
		}
		break;
	case 5: case 6: /* full reads: whole records only */
		n = recv(fd, rbuf, 65536, MSG_DONTWAIT | (rnd(r, 4) ? 0 : MSG_TRUNC));
		outcome(OP_RACE_RECV, n >= 0 ? 0 : -1, ALLOW(0, EAGAIN, ECONNREFUSED));
		if (n >= 0 && n <= 65536) {
			if (!records_intact(rbuf, (uint32_t)n))
				violation("race.recv: a %zd B datagram is not whole records", n);
			else
				bump(&totals.shared_intact, 1);
		}
		break;
	case 7: /* peeks at a random offset */
		set_int(fd, SOL_SOCKET, SO_PEEK_OFF, rnd(r, 3) ? (int)rnd(r, 300) : -1);
		n = recv(fd, rbuf, 1 + rnd(r, 2000), MSG_PEEK | MSG_DONTWAIT);
		outcome(OP_RACE_PEEK, n >= 0 ? 0 : -1, ALLOW(0, EAGAIN, ECONNREFUSED));
		break;
	case 8: { /* replace the socket under everyone else */
		int nfd = new_slot_socket(r);

		if (nfd < 0)
			break;
		outcome(OP_RACE_REPLACE, dup3(nfd, fd, O_CLOEXEC) == fd ? 0 : -1, ALLOW(0));
		close(nfd);
		break;
	}
	case 9:
		outcome(OP_RACE_SHUTDOWN, shutdown(fd, rnd(r, 3)), ALLOW(0, ENOTCONN));
		break;
	case 10:
		if (rnd(r, 2))
			rc = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &(int){ (int)rnd(r, 4096) }, sizeof(int));
		else
			rc = setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &(int){ (int)rnd(r, 1 << 20) }, sizeof(int));
		outcome(OP_RACE_RCVBUF, rc, ALLOW(0));
		break;
	case 11: case 12: /* cork whole records with MSG_MORE */
		slot_dest(r, &to, &tolen);
		n = make_records(r, buf, 1 + rnd(r, 2));
		rc = sendto(fd, buf, n, MSG_MORE | MSG_DONTWAIT, rnd(r, 4) ? (struct sockaddr *)&to : NULL,
			    rnd(r, 4) ? tolen : 0) == n ? 0 : -1;
		outcome(OP_RACE_SEND_MORE, rc, ALLOW(0, RACE_ERRS));
		break;
	case 13: /* push: UDP_CORK off, or a last send, or UDP_CORK on */
		if (rnd(r, 3) == 0) {
			rc = setsockopt(fd, SOL_UDP, UDP_CORK, &(int){ (int)rnd(r, 2) }, sizeof(int));
		} else {
			slot_dest(r, &to, &tolen);
			n = make_records(r, buf, rnd(r, 2));
			rc = sendto(fd, buf, n, MSG_DONTWAIT, (struct sockaddr *)&to, tolen) == n ? 0 : -1;
		}
		outcome(OP_RACE_UNCORK, rc, ALLOW(0, RACE_ERRS));
		break;
	case 14: /* connect to a slot, or dissolve the association */
		if (rnd(r, 3) == 0) {
			struct sockaddr sa = { .sa_family = AF_UNSPEC };

			rc = connect(fd, &sa, sizeof(sa));
		} else {
			slot_dest(r, &to, &tolen);
			rc = connect(fd, (struct sockaddr *)&to, tolen);
		}
		outcome(OP_RACE_CONNECT, rc, ALLOW(0, RACE_ERRS));
		break;
	default:
		slot_dest(r, &to, &tolen);
		((struct sockaddr_in *)&to)->sin_port = htons(SLOT_PORT + s);
		outcome(OP_RACE_BIND, bind(fd, (struct sockaddr *)&to, tolen), ALLOW(0, RACE_ERRS));
	}
}

/* ---------- workers ---------- */

static volatile int stop;
static uint64_t seed;
static unsigned long op_total;

static void *worker(void *arg)
{
	long id = (long)arg;
	struct rng r = { seed ^ (0x9E3779B97F4A7C15ULL * (uint64_t)(id + 1)) };
	long page = sysconf(_SC_PAGESIZE);
	/* two scratch buffers, then a page that faults (for EFAULT cases) */
	size_t sz = BUF_SIZE + RBUF_SIZE;
	unsigned char *m = mmap(NULL, sz + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *buf, *rbuf, *guard;

	if (m == MAP_FAILED)
		return NULL;
	buf = m;
	rbuf = m + BUF_SIZE;
	guard = m + sz;
	mprotect(guard, page, PROT_NONE);
	while (!stop) {
		uint32_t pick = rnd(&r, 100);

		if (pick < 15)
			op_queue_valid(&r, buf, rbuf);
		else if (pick < 30)
			op_queue_malformed(&r, buf, guard);
		else if (pick < 40)
			op_cork_get(&r, buf, guard, rbuf);
		else if (pick < 44)
			op_wrong_socket(&r, buf);
		else if (pick < 47)
			op_unprivileged(&r, buf);
		else
			op_race(&r, buf, rbuf);
		bump(&op_total, 1);
		if (rnd(&r, 64) == 0)
			sched_yield();
	}
	munmap(m, sz + page);
	return NULL;
}

static void report(int seconds, int threads)
{
	int op, e;

	printf("operations (outcome histogram: ok and errno counts):\n");
	for (op = 0; op < OP_COUNT; op++) {
		unsigned long calls = 0;

		for (e = 0; e < MAXERR; e++)
			calls += hist[op][e];
		printf("  %-22s calls=%-8lu ok=%-8lu", op_names[op], calls, hist[op][0]);
		for (e = 1; e < MAXERR; e++)
			if (hist[op][e])
				printf(" %s=%lu", strerrorname_np(e) ? strerrorname_np(e) : "E?", hist[op][e]);
		putchar('\n');
	}
	printf("summary seed=%llu seconds=%d threads=%d ops=%lu valid_injected=%lu valid_bytes=%lu "
	       "real_after_injected=%lu cork_verified=%lu shared_intact=%lu cork_reads_intact=%lu "
	       "peeked_whole=%lu eperm=%lu wrong_socket=%lu child_runs=%lu violations=%lu\n",
	       (unsigned long long)seed, seconds, threads, op_total, totals.valid_injected, totals.valid_bytes,
	       totals.real_after_injected, totals.cork_verified, totals.shared_intact, totals.cork_reads_intact,
	       totals.peeked_whole,
	       hist[OP_NOCAP_QUEUE][EPERM] + hist[OP_NOCAP_CORK][EPERM] + hist[OP_NOBODY_QUEUE][EPERM] +
		       hist[OP_NOBODY_CORK][EPERM] + hist[OP_USERNS_FOREIGN_QUEUE][EPERM] +
		       hist[OP_USERNS_FOREIGN_CORK][EPERM],
	       hist[OP_WRONG_SOCKET_QUEUE][ENOPROTOOPT] + hist[OP_WRONG_SOCKET_QUEUE][EOPNOTSUPP] +
		       hist[OP_WRONG_SOCKET_CORK][ENOPROTOOPT] + hist[OP_WRONG_SOCKET_CORK][EOPNOTSUPP],
	       totals.child_runs, totals.violations);
}

int main(int argc, char **argv)
{
	int seconds = 60, threads = 6, opt, i, probe;
	pthread_t tid[64];
	struct timespec ts;
	socklen_t l = 4;

	clock_gettime(CLOCK_REALTIME, &ts);
	seed = (uint64_t)ts.tv_sec * 1000003u ^ (uint64_t)ts.tv_nsec ^ (uint64_t)getpid() << 32;
	while ((opt = getopt(argc, argv, "t:s:j:")) != -1) {
		switch (opt) {
		case 't': seconds = atoi(optarg); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'j': threads = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: %s [-t SECONDS] [-s SEED] [-j THREADS]\n", argv[0]);
			return 2;
		}
	}
	if (threads < 1 || threads > 64 || seconds < 1)
		return 2;
	if (!seed)
		seed = 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	printf("udp_repair_stress: seed=%llu seconds=%d threads=%d (rerun: -s %llu)\n",
	       (unsigned long long)seed, seconds, threads, (unsigned long long)seed);

	probe = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE);
	have_udplite = probe >= 0;
	if (probe >= 0)
		close(probe);
	printf("udp_repair_stress: UDP-Lite %s\n", have_udplite ? "present" : "absent (UDP only)");

	/* the options must exist at all, or every "expected errno" below is meaningless */
	probe = socket(AF_INET, SOCK_DGRAM, 0);
	if (getsockopt(probe, SOL_UDP, UDP_REPAIR_CORK, &opt, &l) == 0 || errno != EINVAL) {
		printf("UDP_REPAIR_CORK probe: %s (a kernel without the series says ENOPROTOOPT)\n", strerror(errno));
		return 3;
	}
	close(probe);
	lo_up();
	for (i = 0; i < NSLOTS; i++) {
		struct rng r = { seed + (uint64_t)i + 1 };
		int fd = new_slot_socket(&r);

		if (fd < 0)
			return 3;
		slot_fd[i] = fd;
	}
	for (i = 0; i < threads; i++)
		pthread_create(&tid[i], NULL, worker, (void *)(long)i);
	sleep(seconds);
	stop = 1;
	for (i = 0; i < threads; i++)
		pthread_join(tid[i], NULL);
	report(seconds, threads);
	if (totals.violations)
		return 1;
	return totals.valid_injected ? 0 : 4;
}
