package io.zdtmudp.harness.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated class's tests against a QEMU guest. Test methods take a {@link Guest} parameter:
 * a per-test handle with its own network namespace, work dir and share dir.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(ZdtmExtension.class)
public @interface ZdtmVm {
    /** Which tests share one VM; {@link VmScope#DEFAULT} follows -Dzdtm.vm.scope (per run unless set). */
    VmScope scope() default VmScope.DEFAULT;
}
