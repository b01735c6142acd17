package io.zdtmudp.harness.criu;

/** A CRIU log kept for failure reports: a short name (dump-1.log) and its text. */
public record CriuLog(String name, String text) {}
