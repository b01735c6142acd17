package io.zdtmudp.harness.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The test (or every test of the class) runs with no other test in its guest: concurrent tests wait
 * for it, and it waits for the ones already running. For cases whose kernel behaviour changes when the
 * guest's vCPUs are busy, e.g. thousands of datagrams over loopback, which arrive out of order once a
 * sender migrates between CPUs with softirqs deferred.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface AloneInGuest {
    /** Why the test cannot share its guest (for the reader). */
    String value();
}
