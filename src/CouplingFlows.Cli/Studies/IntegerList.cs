using System.Globalization;

namespace CouplingFlows.Cli.Studies;

/// <summary>Parses option values such as "2,8,32", "1..8" or "1..4,8,16" into integers.</summary>
internal static class IntegerList
{
    public static IReadOnlyList<int> Parse(string text, string option, int minimum)
    {
        var values = new List<int>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int range = part.IndexOf("..", StringComparison.Ordinal);
            if (range < 0)
            {
                values.Add(Single(part, text, option));
                continue;
            }

            int first = Single(part[..range], text, option);
            int last = Single(part[(range + 2)..], text, option);
            if (last < first || last - first > 100_000)
            {
                throw new UsageException($"{option} '{text}': the range {part} must run upwards, as in 1..8.");
            }

            values.AddRange(Enumerable.Range(first, last - first + 1));
        }

        if (values.Count == 0 || values.Any(v => v < minimum))
        {
            throw new UsageException(
                $"{option} '{text}' must list integers of at least {minimum}, as in 2,8,32 or 1..8.");
        }

        return values;
    }

    private static int Single(string part, string text, string option) =>
        int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new UsageException(
                $"{option} '{text}': '{part}' is not an integer; use a list like 2,8,32 or 1..8.");
}
