/// One breakdown (by topic, by outcome, …) for every month of a fiscal year and for the year itself: the rows a
/// supervisor can publish, one at a time. They are linked: the year is the sum of its months, so a cell hidden in
/// a month could be worked out as the year's figure less the other eleven months. ``LinkedSuppression`` protects
/// the twelve months and the year together, which is why statistics are published for a month or a fiscal year
/// and nothing in between (see ``StatisticsPeriod/isPublishable``).
public struct LinkedTable: Sendable, Hashable {
    /// Rows 0 to 11 are the months (April first), row 12 the year.
    public static let yearRow = 12

    public var columns: [String]
    /// `cells[row][column]`.
    public var cells: [[Int]]
    /// Columns never published that make the rows add up: for a single count such as emergencies, the cases that
    /// were not one. They let a hidden count be balanced without hiding anything shown.
    public var unpublished: Set<Int>

    public init(columns: [String], cells: [[Int]], unpublished: Set<Int> = []) {
        precondition(cells.count == Self.yearRow + 1 && cells.allSatisfy { $0.count == columns.count })
        self.columns = columns
        self.cells = cells
        self.unpublished = unpublished
    }

    /// A table from thirteen rows of counts by key (months, then the year); a missing key counts zero.
    public init(rows: [[String: Int]]) {
        let columns = Set(rows.flatMap(\.keys)).sorted()
        self.init(columns: columns, cells: rows.map { row in columns.map { row[$0] ?? 0 } })
    }
}

/// Small-cell protection that survives differencing: within a fiscal year's ``LinkedTable``, no hidden cell can be
/// worked out from the totals, from the year less its months, or from any other sum of what is published.
///
/// Each cell from 1 to k−1 is shown as 「<k」. So is every cell of a row whose whole total is below k, zeros
/// included: with the row's total known, a lone non-zero cell would otherwise be plain. Then every such cell
/// needs a *witness*: four hidden cells on the corners of a rectangle (two rows, two columns), one of them the
/// cell itself, such that adding some δ to two opposite corners and taking it from the other two gives another
/// table with the same row totals, the same year, and every hidden cell still agreeing with its mark (「<k」 is
/// 1…k−1, or 0…k−1 in a small row; 「x」 is 0 or at least k, as the published cells it was chosen from are).
/// Whoever knows everything published, and these rules, cannot tell the two tables apart, so cannot know the
/// cell. Where no witness exists among the hidden cells, the cheapest rectangle is hidden as well, its new
/// cells shown as 「x」 (complementary suppression, as in τ-Argus's hypercube method). Pure and deterministic.
public struct LinkedSuppression: Sendable {
    public enum Mark: Sendable, Hashable {
        case shown
        /// 「<k」
        case small
        /// 「x」
        case withheld
        /// A column that is never published.
        case unpublished
    }

    public let k: Int

    public init(k: Int) { self.k = max(2, k) }

    public func protect(_ table: LinkedTable) -> [[Mark]] {
        var search = Search(table: table, k: k)
        for cell in search.primaries where !search.hasWitness(cell) {
            guard search.hideCheapestRectangle(around: cell) else {
                // Nothing would hide it: withhold the whole table rather than publish a cell that can be known.
                return table.cells.indices.map { row in
                    table.columns.indices.map {
                        table.unpublished.contains($0) ? .unpublished : (search.smallRows.contains(row) ? .small : .withheld)
                    }
                }
            }
        }
        return search.marks
    }

    private struct Search {
        let table: LinkedTable
        let k: Int
        var marks: [[Mark]]
        var primaries: [(row: Int, column: Int)] = []
        var smallRows: Set<Int> = []

        init(table: LinkedTable, k: Int) {
            self.table = table
            self.k = k
            marks = table.cells.map { $0.map { _ in .shown } }
            for (row, cells) in table.cells.enumerated() {
                let total = cells.reduce(0, +)
                let small = total > 0 && total < k
                if small { smallRows.insert(row) }
                for (column, value) in cells.enumerated() {
                    if table.unpublished.contains(column) {
                        marks[row][column] = .unpublished
                    } else if small || (value > 0 && value < k) {
                        marks[row][column] = .small
                        primaries.append((row, column))
                    }
                }
            }
        }

        /// The corners of the rectangle on `cell` and (`row`, `column`), each with the sign δ takes there. Rows
        /// add up to their totals, so a row's two corners move in opposite directions; a month and the year move
        /// together (the year is their sum), two months in opposite directions.
        func corners(_ cell: (row: Int, column: Int), _ row: Int, _ column: Int) -> [(row: Int, column: Int, sign: Int)] {
            let sameDirection = cell.row == LinkedTable.yearRow || row == LinkedTable.yearRow
            let down = sameDirection ? 1 : -1
            return [(cell.row, cell.column, 1), (cell.row, column, -1), (row, cell.column, down), (row, column, -down)]
        }

        func allows(_ value: Int, _ mark: Mark, row: Int) -> Bool {
            switch mark {
            case .shown: false
            case .small: value >= (smallRows.contains(row) ? 0 : 1) && value < k
            case .withheld: value == 0 || value >= k
            case .unpublished: value >= 0
            }
        }

        func isWitness(_ corners: [(row: Int, column: Int, sign: Int)], marks: [[Mark]]) -> Bool {
            for delta in (-k...k) where delta != 0 {
                if corners.allSatisfy({ allows(table.cells[$0.row][$0.column] + $0.sign * delta, marks[$0.row][$0.column], row: $0.row) }) {
                    return true
                }
            }
            return false
        }

        func hasWitness(_ cell: (row: Int, column: Int)) -> Bool {
            for row in table.cells.indices where row != cell.row && marks[row][cell.column] != .shown {
                for column in table.columns.indices where column != cell.column && marks[row][column] != .shown && marks[cell.row][column] != .shown {
                    if isWitness(corners(cell, row, column), marks: marks) { return true }
                }
            }
            return false
        }

        /// Hides the rectangle on `cell` that costs least (the counts it newly hides, a year's cells dearest) and
        /// is a witness; `false` if there is none.
        mutating func hideCheapestRectangle(around cell: (row: Int, column: Int)) -> Bool {
            var best: (cost: Int, corners: [(row: Int, column: Int, sign: Int)])?
            for row in table.cells.indices where row != cell.row {
                for column in table.columns.indices where column != cell.column {
                    let corners = corners(cell, row, column)
                    var trial = marks
                    var cost = 0
                    for corner in corners where trial[corner.row][corner.column] == .shown {
                        trial[corner.row][corner.column] = .withheld
                        cost += 1 + table.cells[corner.row][corner.column] + (corner.row == LinkedTable.yearRow ? 1_000_000 : 0)
                    }
                    if cost < best?.cost ?? .max, isWitness(corners, marks: trial) { best = (cost, corners) }
                }
            }
            guard let best else { return false }
            for corner in best.corners where marks[corner.row][corner.column] == .shown { marks[corner.row][corner.column] = .withheld }
            return true
        }
    }
}
