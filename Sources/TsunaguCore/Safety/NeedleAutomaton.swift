/// Many byte strings found in one pass over a text (Aho and Corasick's automaton).
///
/// Why: the lexicon's `~text` patterns were each searched for in her message on its own, so a message cost the
/// number of patterns times its length; for a long message that was the largest part of danger detection. Here the
/// needles share one trie, and a text is read once, byte by byte, whatever their number.
struct NeedleAutomaton: Sendable {
    /// Each node's edges lie in ``edges`` from `edgeStart[node]` for `edgeCount[node]`, sorted by byte.
    private var edgeStart: [Int32] = []
    private var edgeCount: [UInt16] = []
    private var edges: [(byte: UInt8, target: Int32)] = []
    /// The root's edges as a table: most bytes of a text leave or stay at the root.
    private var rootTable = [Int32](repeating: 0, count: 256)
    /// The longest proper suffix of a node's string that is also a node.
    private var failure: [Int32] = []
    /// The needles that end at each node, its own and its failure chain's: `outputs[outputStart[n]..<outputStart[n + 1]]`.
    private var outputStart: [Int32] = []
    private var outputs: [Int32] = []
    private let lengths: [Int]

    /// - Parameter needles: non-empty byte strings; their ids are their positions.
    init(_ needles: [[UInt8]]) {
        lengths = needles.map(\.count)
        // The trie, with edges as dictionaries while building.
        var children: [[UInt8: Int32]] = [[:]]
        var ending: [[Int32]] = [[]]
        for (id, needle) in needles.enumerated() {
            var node = 0
            for byte in needle {
                if let next = children[node][byte] {
                    node = Int(next)
                } else {
                    children.append([:])
                    ending.append([])
                    children[node][byte] = Int32(children.count - 1)
                    node = children.count - 1
                }
            }
            ending[node].append(Int32(id))
        }
        // Failure links and merged outputs, breadth first so that a node's failure is done before the node.
        failure = Array(repeating: 0, count: children.count)
        var order: [Int] = [0]
        var head = 0
        while head < order.count {
            let node = order[head]
            head += 1
            for (byte, child) in children[node].sorted(by: { $0.key < $1.key }) {
                let child = Int(child)
                if node != 0 {
                    var fallback = Int(failure[node])
                    while fallback != 0 && children[fallback][byte] == nil { fallback = Int(failure[fallback]) }
                    failure[child] = children[fallback][byte] ?? 0
                }
                ending[child] += ending[Int(failure[child])]
                order.append(child)
            }
        }
        for node in children.indices {
            edgeStart.append(Int32(edges.count))
            edgeCount.append(UInt16(children[node].count))
            edges += children[node].sorted { $0.key < $1.key }.map { (byte: $0.key, target: $0.value) }
            outputStart.append(Int32(outputs.count))
            outputs += ending[node]
        }
        outputStart.append(Int32(outputs.count))
        for (byte, child) in children[0] { rootTable[Int(byte)] = child }
    }

    /// The first place each needle occurs in `text` (by id; `nil` where it does not), as `firstRange(of:)` finds it.
    func firstRanges(in text: [UInt8]) -> [Range<Int>?] {
        var found = [Range<Int>?](repeating: nil, count: lengths.count)
        var node = 0
        for (position, byte) in text.enumerated() {
            node = next(from: node, on: byte)
            for output in outputStart[node]..<outputStart[node + 1] {
                let id = Int(outputs[Int(output)])
                if found[id] == nil { found[id] = (position + 1 - lengths[id])..<(position + 1) }
            }
        }
        return found
    }

    private func next(from start: Int, on byte: UInt8) -> Int {
        var node = start
        while node != 0 {
            let first = Int(edgeStart[node])
            for edge in first..<(first + Int(edgeCount[node])) where edges[edge].byte == byte { return Int(edges[edge].target) }
            node = Int(failure[node])
        }
        return Int(rootTable[Int(byte)])
    }
}
