package coop.comptoir.testing;

import java.util.EnumSet;
import java.util.Set;

/**
 * The kinds of call of a {@link RecordingMatrixClient}, to say which ones a test makes fail
 * ({@link RecordingMatrixClient#failNext(int, coop.comptoir.api.matrix.MatrixException, MatrixCall...)}).
 */
public enum MatrixCall {
    /** A room event: {@code send}, {@code sendEvent}, {@code edit}, {@code redact}, {@code react}. */
    SEND,
    /** {@code sendState}, and what writes state for the caller: {@code invite}, {@code kick}. */
    STATE,
    /** {@code createRoom} (and {@code createDirectChat}). */
    CREATE_ROOM,
    /** {@code upload}. */
    UPLOAD,
    /** {@code download} (the download is still recorded in {@link FakeMediaRepository#downloads()}). */
    DOWNLOAD,
    /** {@code join}. */
    JOIN,
    /** {@code leave}. */
    LEAVE,
    /** What reads the room: {@code getState}, {@code getEvent}, {@code joinedMembers}, {@code joinedRooms}, {@code resolveAlias}, {@code powerLevel}. */
    READ,
    /** {@code setDisplayName}, {@code setAvatarUrl}, {@code ensureRegistered}. */
    PROFILE,
    /** The escape hatch {@code request}. */
    REQUEST;

    /** The calls that change the homeserver's rooms or media: {@link #SEND}, {@link #STATE}, {@link #CREATE_ROOM}, {@link #UPLOAD}. */
    public static Set<MatrixCall> writes() {
        return EnumSet.of(SEND, STATE, CREATE_ROOM, UPLOAD);
    }
}
