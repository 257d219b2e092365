using System.Diagnostics;
using System.Reflection;
using AppProtocol.Framing;

namespace AppProtocol.Tests.Support;

/// <summary>A fact about the library's optimized code: Debug builds compile async state machines as classes, which allocate per call.</summary>
public sealed class OptimizedBuildFactAttribute : FactAttribute
{
    public OptimizedBuildFactAttribute()
    {
        bool optimized = typeof(Frame).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled != true;
        if (!optimized)
        {
            Skip = "Needs an optimized build of the library: run 'dotnet test -c Release'.";
        }
    }
}
