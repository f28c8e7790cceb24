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
