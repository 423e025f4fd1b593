using System.Text.RegularExpressions;

namespace CouplingFlows.Cli;

/// <summary>Rewrites the parser's messages that name .NET types into words a user reads.</summary>
internal static partial class ParseErrorText
{
    /// <summary>"... as expected type 'System.Int32'." becomes "--steps expects a whole number; got 'abc'.";
    /// any other message is returned as it is.</summary>
    public static string Describe(string message)
    {
        Match match = ExpectedType().Match(message);
        if (!match.Success)
        {
            return message;
        }

        string kind = match.Groups["type"].Value switch
        {
            "Int32" or "Int64" or "Nullable`1[System.Int32]" or "Nullable`1[System.Int64]" => "a whole number",
            "Single" or "Double" or "Nullable`1[System.Single]" or "Nullable`1[System.Double]" => "a number",
            _ => "a value of another kind",
        };

        return $"{match.Groups["option"].Value} expects {kind}; got '{match.Groups["value"].Value}'.";
    }

    [GeneratedRegex(
        @"^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']+)' "
        + @"as expected type 'System\.(?<type>[^']+)'\.$")]
    private static partial Regex ExpectedType();
}
