package io.assetalerts.udfs.types;

import java.util.Objects;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;

/**
 * The type information of every Avro record the jobs exchange or keep: Flink's {@link AvroSerializer}, exactly the
 * serializer {@code AvroTypeInfo} creates (so state written by either restores with the other), without
 * {@code AvroTypeInfo}'s analysis of the generated class as a POJO. That analysis matches getters to fields by
 * changing case in the JVM's default locale: under a Turkish locale a field named {@code inBreach} has no getter
 * ("getİnBreach"), and the job fails to start. Found by the time-travel guard (jobs/pom.xml).
 */
public final class AvroType<T extends SpecificRecord> extends TypeInformation<T> {

    private static final long serialVersionUID = 1L;

    private final Class<T> type;

    private AvroType(Class<T> type) {
        this.type = type;
    }

    public static <T extends SpecificRecord> AvroType<T> forRecord(Class<T> type) {
        return new AvroType<>(type);
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<T> getTypeClass() {
        return type;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return new AvroSerializer<>(type);
    }

    @Override
    public String toString() {
        return "Avro<" + type.getName() + ">";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AvroType<?> other && other.type.equals(type);
    }

    @Override
    public int hashCode() {
        return Objects.hash(AvroType.class, type);
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof AvroType;
    }
}
