using System.Globalization;
using System.Text;
using System.Text.Json;
using CouplingFlows.Serialization;

namespace CouplingFlows.Cli.Studies;

/// <summary>Prints a study's table on stdout and writes DIR/NAME.csv, DIR/NAME.json and DIR/NAME.png.</summary>
internal static class StudyOutput
{
    /// <summary>The folder studies write to when --out is not given.</summary>
    public const string DefaultRoot = "studies";

    public static string Folder(string? requested, string name) => requested ?? Path.Combine(DefaultRoot, name);

    public static void Publish(StudyReport report, string? folder, CliContext context)
    {
        report.Table.WriteText(context.Output);
        foreach ((string key, object value) in report.Summary)
        {
            context.Output.WriteLine($"{key}: {Format(value)}");
        }

        if (folder is null)
        {
            return;
        }

        if (File.Exists(folder))
        {
            throw new UsageException($"--out '{folder}' is a file, not a folder.");
        }

        Directory.CreateDirectory(folder);
        string stem = Path.Combine(folder, report.Name);
        AtomicFile.WriteAllText(stem + ".csv", report.Table.ToCsv());
        AtomicFile.WriteAllText(stem + ".json", ToJson(report));
        string written = $"{stem}.csv, {report.Name}.json";
        if (report.Figure is not null)
        {
            report.Figure(stem + ".png");
            written += $", {report.Name}.png";
        }

        context.Error.WriteLine($"Wrote {written}.");
    }

    public static string ToJson(StudyReport report)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("study", report.Name);
            WriteObject(writer, "settings", report.Settings);
            writer.WritePropertyName("rows");
            report.Table.WriteJsonRows(writer);
            WriteObject(writer, "summary", report.Summary);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteObject(Utf8JsonWriter writer, string name, IReadOnlyDictionary<string, object> values)
    {
        writer.WriteStartObject(name);
        foreach ((string key, object value) in values)
        {
            writer.WritePropertyName(key);
            StudyTable.WriteJsonValue(writer, value);
        }

        writer.WriteEndObject();
    }

    private static string Format(object value) => value switch
    {
        double d => StudyTable.Number(d),
        bool b => b ? "true" : "false",
        IEnumerable<int> list => string.Join(",", list),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };
}
