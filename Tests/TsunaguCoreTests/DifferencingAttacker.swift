import TsunaguCore

/// An adversary who reads one breakdown for every month of a fiscal year and for the year, is told every row's true
/// total, knows the rules by which cells are hidden (「<k」 is 1…k−1, or 0…k−1 in a row whose total is below k;
/// 「x」 is 0 or at least k), and tries to pin down hidden cells: by exact linear algebra on the sums (the year less
/// its months, a row less its shown cells, and every combination of them), then by narrowing each cell's bounds
/// through every sum until nothing changes.
struct DifferencingAttacker {
    let k: Int

    /// A published cell, or `nil` for a column that is never published but belongs to the row's total.
    typealias Cell = PublishedCount?

    /// The hidden 「<k」 cells it worked out, with their values. `rows` are the months (April first), then the year.
    func recover(rows: [[Cell]], totals: [Int]) -> [(row: Int, column: Int, value: Int)] {
        let yearRow = rows.count - 1
        var unknowns: [(row: Int, column: Int)] = []
        var index: [Int: Int] = [:]
        for (row, cells) in rows.enumerated() {
            for (column, cell) in cells.enumerated() where cell?.value == nil {
                index[row * 1000 + column] = unknowns.count
                unknowns.append((row, column))
            }
        }
        // Each equation: coefficients on unknowns, and the right-hand side.
        var equations: [([Int: Int], Int)] = []
        for (row, cells) in rows.enumerated() {
            var terms: [Int: Int] = [:]
            var rest = totals[row]
            for (column, cell) in cells.enumerated() {
                if let value = cell?.value { rest -= value } else { terms[index[row * 1000 + column]!] = 1 }
            }
            equations.append((terms, rest))
        }
        for column in rows[0].indices {
            var terms: [Int: Int] = [:]
            var rest = 0
            for row in rows.indices {
                let sign = row == yearRow ? -1 : 1
                if let value = rows[row][column]?.value { rest -= sign * value } else { terms[index[row * 1000 + column]!] = sign }
            }
            equations.append((terms, rest))
        }

        var found: [Int: Int] = [:]
        for (unknown, value) in linearlyDetermined(equations, count: unknowns.count) { found[unknown] = value }
        for (unknown, value) in narrowed(equations, unknowns: unknowns, rows: rows, totals: totals) { found[unknown] = value }
        return found.compactMap { unknown, value in
            let (row, column) = unknowns[unknown]
            guard case .suppressed = rows[row][column] else { return nil }
            return (row, column, value)
        }
    }

    /// Unknowns fixed by the equations alone: Gauss–Jordan elimination, an unknown being known when a reduced row
    /// has it as its only term.
    private func linearlyDetermined(_ equations: [([Int: Int], Int)], count: Int) -> [Int: Int] {
        var matrix = equations.map { terms, rest in
            var row = [Double](repeating: 0, count: count + 1)
            for (unknown, coefficient) in terms { row[unknown] = Double(coefficient) }
            row[count] = Double(rest)
            return row
        }
        var pivotRow = 0
        var pivots: [(row: Int, column: Int)] = []
        for column in 0..<count where pivotRow < matrix.count {
            guard let best = (pivotRow..<matrix.count).max(by: { abs(matrix[$0][column]) < abs(matrix[$1][column]) }),
                abs(matrix[best][column]) > 1e-9
            else { continue }
            matrix.swapAt(pivotRow, best)
            let pivot = matrix[pivotRow][column]
            matrix[pivotRow] = matrix[pivotRow].map { $0 / pivot }
            for other in matrix.indices where other != pivotRow && abs(matrix[other][column]) > 1e-12 {
                let factor = matrix[other][column]
                for entry in column...count { matrix[other][entry] -= factor * matrix[pivotRow][entry] }
            }
            pivots.append((pivotRow, column))
            pivotRow += 1
        }
        var known: [Int: Int] = [:]
        for (row, column) in pivots where (0..<count).allSatisfy({ $0 == column || abs(matrix[row][$0]) < 1e-9 }) {
            known[column] = Int(matrix[row][count].rounded())
        }
        return known
    }

    /// Unknowns whose bounds meet once every equation has narrowed them as far as it can.
    private func narrowed(
        _ equations: [([Int: Int], Int)], unknowns: [(row: Int, column: Int)], rows: [[Cell]], totals: [Int]
    ) -> [Int: Int] {
        let infinity = Int.max / 4
        var low = [Int](repeating: 0, count: unknowns.count)
        var high = [Int](repeating: infinity, count: unknowns.count)
        for (unknown, (row, column)) in unknowns.enumerated() {
            if case .suppressed = rows[row][column] {
                low[unknown] = totals[row] > 0 && totals[row] < k ? 0 : 1
                high[unknown] = k - 1
            }
        }
        var changed = true
        var rounds = 0
        while changed && rounds < 500 {
            changed = false
            rounds += 1
            for (terms, rest) in equations {
                for (unknown, coefficient) in terms {
                    // coefficient · x = rest − Σ others
                    var othersLow = 0
                    var othersHigh = 0
                    for (other, c) in terms where other != unknown {
                        let (a, b) = c > 0 ? (low[other], high[other]) : (-high[other], -low[other])
                        othersLow = max(-infinity, othersLow + a)
                        othersHigh = min(infinity, othersHigh + b)
                    }
                    var newLow = coefficient > 0 ? rest - othersHigh : othersLow - rest
                    var newHigh = coefficient > 0 ? rest - othersLow : othersHigh - rest
                    if case .withheld = rows[unknowns[unknown].row][unknowns[unknown].column] {
                        // 「x」 is 0 or at least k.
                        if min(newHigh, high[unknown]) < k { newHigh = 0 }
                        if max(newLow, low[unknown]) >= 1 { newLow = max(newLow, k) }
                    }
                    if newLow > low[unknown] {
                        low[unknown] = newLow
                        changed = true
                    }
                    if newHigh < high[unknown] {
                        high[unknown] = newHigh
                        changed = true
                    }
                }
            }
        }
        var known: [Int: Int] = [:]
        for unknown in unknowns.indices where low[unknown] == high[unknown] { known[unknown] = low[unknown] }
        return known
    }
}
