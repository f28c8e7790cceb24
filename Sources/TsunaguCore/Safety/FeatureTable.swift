/// The model's feature names → row numbers, as one flat open-addressed table.
///
/// Why not `[SafetyFeature: Int]`: with 18,000 features each key is an array of its own on the heap, so every lookup
/// hashed with SipHash and then chased a pointer to compare the bytes; it was 4 % of the server's CPU per answered
/// message. Here a slot holds a 64-bit hash of the name and its row, side by side in one array, and the names lie
/// in one byte buffer: a lookup is one hash, usually one slot read, and one byte comparison in a buffer. The
/// comparison keeps it exact: two names with the same hash are still told apart.
struct FeatureTable: Sendable, Hashable {
    private struct Slot: Sendable, Hashable {
        var hash: UInt64
        /// The feature's number plus one; 0 marks an empty slot.
        var entry: Int32
    }

    private var slots: [Slot]
    /// Every name, one after the other; feature `n` spans `names[nameEnds[n - 1]..<nameEnds[n]]`.
    private var names: [UInt8] = []
    private var nameEnds: [Int] = []
    /// Each feature's value (the caller's row offset).
    private var values: [Int] = []

    /// - Parameter capacity: how many features to expect (the table grows if more come).
    init(capacity: Int = 0) {
        var size = 16
        while size < 2 * capacity { size *= 2 }
        slots = Array(repeating: Slot(hash: 0, entry: 0), count: size)
    }

    var count: Int { values.count }

    /// Sets the value of `name`; a name given twice keeps its last value (as a dictionary would).
    mutating func set(_ name: some Collection<UInt8>, to value: Int) {
        let hash = Self.hash(name)
        if let slot = find(name, hash: hash) {
            values[Int(slots[slot].entry) - 1] = value
            return
        }
        if 2 * (count + 1) > slots.count { grow() }
        names.append(contentsOf: name)
        nameEnds.append(names.count)
        values.append(value)
        insert(Slot(hash: hash, entry: Int32(values.count)))
    }

    /// The value of `name`, if it is in the table.
    func value(of name: some Collection<UInt8>) -> Int? {
        find(name, hash: Self.hash(name)).map { values[Int(slots[$0].entry) - 1] }
    }

    private func find(_ name: some Collection<UInt8>, hash: UInt64) -> Int? {
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: hash) & mask
        return slots.withUnsafeBufferPointer { slots in
            while slots[index].entry != 0 {
                if slots[index].hash == hash {
                    let feature = Int(slots[index].entry) - 1
                    let start = feature == 0 ? 0 : nameEnds[feature - 1]
                    if names[start..<nameEnds[feature]].elementsEqual(name) { return index }
                }
                index = (index + 1) & mask
            }
            return nil
        }
    }

    private mutating func insert(_ slot: Slot) {
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: slot.hash) & mask
        while slots[index].entry != 0 { index = (index + 1) & mask }
        slots[index] = slot
    }

    private mutating func grow() {
        let old = slots.filter { $0.entry != 0 }
        slots = Array(repeating: Slot(hash: 0, entry: 0), count: 2 * slots.count)
        for slot in old { insert(slot) }
    }

    /// FNV-1a over the bytes, then a final mix so that the low bits (the slot) depend on every byte. Fixed, not
    /// seeded per process: the names come from the shipped model file, and her text only chooses where a lookup
    /// starts, so the longest probe is set by the model, not by her.
    private static func hash(_ bytes: some Collection<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        hash ^= hash >> 33
        hash &*= 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        return hash
    }
}
