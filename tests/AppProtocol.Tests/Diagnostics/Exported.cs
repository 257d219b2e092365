using System.Diagnostics;
using OpenTelemetry.Metrics;

namespace AppProtocol.Tests.Diagnostics;

/// <summary>Picks a test's own items out of what the in-memory exporters collected (listeners are process-wide).</summary>
internal static class Exported
{
    public static List<Activity> Mine(List<Activity> spans, Func<Activity, bool> mine)
    {
        lock (spans)
        {
            return [.. spans.Where(mine)];
        }
    }

    /// <summary>The points of the metric <paramref name="name"/> tagged with <c>server.port</c> <paramref name="port"/>.</summary>
    public static List<MetricPoint> Points(List<Metric> metrics, string name, int port)
    {
        var points = new List<MetricPoint>();
        foreach (Metric metric in metrics.Where(m => m.Name == name))
        {
            foreach (ref readonly MetricPoint point in metric.GetMetricPoints())
            {
                if (Tag(point, "server.port") is int p && p == port)
                {
                    points.Add(point);
                }
            }
        }

        return points;
    }

    public static object? Tag(MetricPoint point, string key)
    {
        foreach (KeyValuePair<string, object?> tag in point.Tags)
        {
            if (tag.Key == key)
            {
                return tag.Value;
            }
        }

        return null;
    }
}
