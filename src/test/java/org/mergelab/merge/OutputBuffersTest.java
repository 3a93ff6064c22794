package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class OutputBuffersTest {

    @Test
    void twoSlotsAreReusedAndGrownAndAThirdLeaseGetsItsOwnBuffer() {
        try (OutputBuffers buffers = new OutputBuffers()) {
            OutputBuffers.Lease a = buffers.lease(100);
            OutputBuffers.Lease b = buffers.lease(40);
            assertThat(a.buffer().capacity()).isEqualTo(100);
            assertThat(a.buffer().order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
            a.buffer().putLong(0, 0x1122334455667788L);
            OutputBuffers.Lease third = buffers.lease(16); // both slots lent
            third.buffer().putLong(8, 7L);
            third.close();
            a.close();
            OutputBuffers.Lease again = buffers.lease(64); // a's slot, reused: its bytes are still there
            assertThat(again.buffer().getLong(0)).isEqualTo(0x1122334455667788L);
            again.close();
            OutputBuffers.Lease bigger = buffers.lease(1 << 20); // grown
            assertThat(bigger.buffer().capacity()).isEqualTo(1 << 20);
            bigger.buffer().put((1 << 20) - 1, (byte) 1);
            bigger.close();
            b.close();
        }
    }

    @Test
    void aClosedPoolLendsNothing() {
        OutputBuffers buffers = new OutputBuffers();
        OutputBuffers.Lease lent = buffers.lease(8);
        buffers.close();
        lent.buffer().putLong(0, 1L); // still valid until given back
        lent.close();
        assertThatThrownBy(() -> buffers.lease(8)).isInstanceOf(IllegalStateException.class);
    }
}
