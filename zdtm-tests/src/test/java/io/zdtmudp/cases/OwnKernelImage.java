package io.zdtmudp.cases;

import io.zdtmudp.harness.guest.Guest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Your own kernel given as a bzImage (-Dzdtm.kernel=/path/to/bzImage) comes without the tree it was built
 * from: the guest then has no program compiled against that tree's uapi headers and sources (the kselftest,
 * the stress). Anywhere else such a program missing from the guest is a build defect, and fails.
 */
final class OwnKernelImage {
    private OwnKernelImage() {
    }

    /** Skips, naming why, when {@code program} is absent from a guest built for your own bzImage. */
    static void assumeGuestHas(Guest guest, String program, String what) {
        if (guest.exec("test", "-x", program).exitCode() == 0) {
            return;
        }
        String kernel = System.getProperty("zdtm.kernel", "");
        boolean ownImage = kernel.startsWith("/") && Files.isRegularFile(Path.of(kernel));
        Assumptions.assumeFalse(ownImage, what + " is built from the kernel tree, and your own kernel "
                + kernel + " came as a bzImage without one (give the tree to build it: -Dzdtm.kernel=/path/to/linux)");
        throw new AssertionError(program + " is missing from the guest: the guest build did not install " + what);
    }
}
