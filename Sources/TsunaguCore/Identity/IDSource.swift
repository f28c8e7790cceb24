public import Foundation

/// Where new ids come from: case ids, outbox ids and LINE retry keys, erasure tokens, an instance's name.
///
/// Injected like the clock, from each executable's entry, so that nothing makes a random id by itself and tests can
/// predict every id (`SequentialIDs` in `TsunaguCoreTesting`). LINE requires a retry key to be a UUID, so every id is one.
public protocol IDSource: Sendable {
    /// A new id, never handed out before.
    func next() -> UUID
}

extension IDSource {
    /// A new id in the form the stores keep: a UUID's lowercase text.
    public func nextString() -> String { next().uuidString.lowercased() }
}

/// Random version-4 UUIDs from the system's generator: the id source every composition root hands out.
///
/// Foundation's `UUID()` on Linux opens, reads and closes `/dev/urandom` for every id: a path lookup and three system
/// calls, ≈ 2 % of the server's CPU when answering under load (three ids per answer). `SystemRandomNumberGenerator`
/// asks the kernel's `getrandom` for each 8 bytes, with no file. Only composition roots make one.
public struct RandomIDs: IDSource {
    public init() {}

    public func next() -> UUID {
        var generator = SystemRandomNumberGenerator()
        var (high, low) = (generator.next() as UInt64, generator.next() as UInt64)
        high = high & ~0xF000 | 0x4000  // The version, 4, in the high nibble of byte 6.
        low = low & ~(0xC0 << 56) | (0x80 << 56)  // The RFC 9562 variant, 10, in the top bits of byte 8.
        return withUnsafeBytes(of: (high.bigEndian, low.bigEndian)) { UUID(uuid: $0.load(as: uuid_t.self)) }
    }
}
