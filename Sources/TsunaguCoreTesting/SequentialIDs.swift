public import Foundation
import Synchronization
public import TsunaguCore

/// Ids a test can predict: `00000000-0000-0000-0000-000000000001`, then `…0002`, and so on (distinct ``prefix``es keep
/// two sources apart).
public final class SequentialIDs: IDSource {
    private let count = Mutex<UInt64>(0)
    private let prefix: UInt32

    public init(prefix: UInt32 = 0) { self.prefix = prefix }

    public func next() -> UUID {
        let number = count.withLock { value in
            value += 1
            return value
        }
        func hex(_ value: some BinaryInteger, digits: Int) -> String {
            let text = String(value, radix: 16)
            return String(repeating: "0", count: max(0, digits - text.count)) + text
        }
        return UUID(uuidString: "\(hex(prefix, digits: 8))-0000-0000-0000-\(hex(number & 0xffff_ffff_ffff, digits: 12))")!
    }
}
