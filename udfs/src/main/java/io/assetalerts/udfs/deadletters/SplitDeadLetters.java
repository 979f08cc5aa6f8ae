package io.assetalerts.udfs.deadletters;

import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.schemas.state.Control;
import io.assetalerts.schemas.state.Inbound;
import io.assetalerts.schemas.state.Reading;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** Passes the parsed events of a source on and routes its rejected records to {@link DeadLetterOutput}. */
public abstract class SplitDeadLetters<T> extends ProcessFunction<Inbound, T> {

    protected abstract T payload(Inbound inbound);

    @Override
    public void processElement(Inbound inbound, Context ctx, Collector<T> out) {
        if (inbound.getDeadLetter() != null) {
            ctx.output(DeadLetterOutput.TAG, inbound.getDeadLetter());
            return;
        }
        T payload = payload(inbound);
        if (payload != null) {
            out.collect(payload);
        }
    }

    public static SplitDeadLetters<Reading> readings() {
        return new SplitDeadLetters<>() {
            @Override
            protected Reading payload(Inbound inbound) {
                return inbound.getReading();
            }
        };
    }

    /** Valid records of the rules topic, as the evaluator's broadcast input. */
    public static SplitDeadLetters<Control> rules() {
        return new SplitDeadLetters<>() {
            @Override
            protected Control payload(Inbound inbound) {
                return inbound.getRule() == null ? null : Control.newBuilder().setRule(inbound.getRule()).build();
            }
        };
    }

    public static SplitDeadLetters<AssetRegistered> assets() {
        return new SplitDeadLetters<>() {
            @Override
            protected AssetRegistered payload(Inbound inbound) {
                return inbound.getAsset();
            }
        };
    }
}
