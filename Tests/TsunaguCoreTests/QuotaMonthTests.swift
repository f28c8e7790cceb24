import Testing
import TsunaguCore

@Suite("Quota month")
struct QuotaMonthTests {
    @Test(
        "months are Japan's calendar months",
        arguments: [
            (Int64(0), "1970-01"),
            (Int64(1_796_050_799_999), "2026-11"),  // 2026-11-30 23:59:59.999 in Japan (14:59:59.999 UTC)
            (Int64(1_796_050_800_000), "2026-12"),  // 2026-12-01 00:00 in Japan, still 30 November in UTC
            (Int64(1_709_164_800_000), "2024-02"),  // 2024-02-29 09:00 in Japan: a leap day
            (Int64(1_735_657_200_000), "2025-01"),  // 2025-01-01 00:00 in Japan
        ])
    func month(_ milliseconds: Int64, _ expected: String) {
        #expect(QuotaMonth.of(milliseconds: milliseconds) == expected)
    }
}
