package io.zdtmudp.harness.crit;

/** The path given to zdtm-crit is missing or holds no images: the user's mistake, not a corrupt image. */
final class CritInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CritInputException(String message) {
        super(message);
    }
}
