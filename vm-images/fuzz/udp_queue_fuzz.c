/*
 * libFuzzer target: CRIU's reading of a udp-queue image on restore
 * (criu/udp-queue-img.c from our patch series, with protobuf-c's unpack).
 *
 * The input is a whole image file as CRIU dumps it, magic included, so a
 * real dump is a seed as it is. The restore side knows the socket's id,
 * family and protocol from the inet image; here the id and protocol are
 * the header's own (when it unpacks), so mutations reach past that check,
 * and each input is parsed as an IPv4 and as an IPv6 socket would.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "udp-queue-img.h"

#define IMG_COMMON_MAGIC 0x54564319
#define UDP_QUEUE_MAGIC	 0x58295409

/* CRIU's logger; the parser's messages are of no use to the fuzzer */
void print_on_level(unsigned int loglevel, const char *format, ...)
{
	(void)loglevel;
	(void)format;
}

static void check(const uint8_t *body, size_t len, const struct udp_queue_want *want)
{
	struct udp_queue q = {};
	struct udp_cork *cork = NULL;
	UdpQueueEntry *head = NULL;
	uint64_t bytes = 0;
	unsigned int i;

	if (udp_queue_parse(body, len, want, &q, &head, &cork)) {
		/* A refusal leaves nothing behind */
		if (head || cork || q.nr || q.dgrams)
			abort();
		return;
	}

	/* What the injectors rely on: every accepted datagram is within the image and within UDP's limits */
	if (!head || q.nr != head->dgram_count)
		abort();
	for (i = 0; i < q.nr; i++) {
		const struct udp_dgram *d = &q.dgrams[i];
		const uint8_t *p = d->data;

		if (d->alen != (want->family == AF_INET6 ? 16u : 4u) || d->src_port > 0xffff ||
		    d->len > udp_max_payload(d) || p < body || p + d->len > body + len)
			abort();
		bytes += d->len;
	}
	if (bytes != q.bytes || bytes != head->total_bytes)
		abort();
	if (cork && cork->pending && cork->len && !cork->data)
		abort();

	udp_queue_free(&q);
	udp_cork_free(cork);
	udp_queue_entry__free_unpacked(head, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int families[] = { AF_INET, AF_INET6 };
	struct udp_queue_want want = { .id = 1, .proto = IPPROTO_UDP };
	const uint8_t *body = data + 8;
	uint32_t magic[2], hlen;
	UdpQueueEntry *ue;
	unsigned int i;

	if (size < 8)
		return 0;
	memcpy(magic, data, sizeof(magic));
	if (magic[0] != IMG_COMMON_MAGIC || magic[1] != UDP_QUEUE_MAGIC)
		return 0;
	size -= 8;

	if (size >= 4) {
		memcpy(&hlen, body, 4);
		ue = hlen <= size - 4 ? udp_queue_entry__unpack(NULL, hlen, body + 4) : NULL;
		if (ue) {
			want.id = ue->id;
			if (ue->proto == IPPROTO_UDPLITE)
				want.proto = IPPROTO_UDPLITE;
			udp_queue_entry__free_unpacked(ue, NULL);
		}
	}

	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		want.family = families[i];
		check(body, size, &want);
	}
	return 0;
}
