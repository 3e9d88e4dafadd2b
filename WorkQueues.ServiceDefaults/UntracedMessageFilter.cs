using System.Diagnostics;
using OpenTelemetry;
using WorkQueues.Tasks;

namespace WorkQueues.ServiceDefaults;

/// <summary>
/// Records no span in <see cref="MessageTraceContext.UntracedTraceId"/>: the deliveries of the services' own traffic
/// that belongs to no task, and anything started under them. The Aspire AppHost runs the services with the
/// <c>always_on</c> sampler, which ignores the parent's sampled flag, so the flag alone would not keep them out of the
/// dashboard.
/// </summary>
internal sealed class UntracedMessageFilter : BaseProcessor<Activity>
{
    public override void OnStart(Activity data)
    {
        if (data.TraceId == MessageTraceContext.UntracedTraceId)
        {
            // The export processors skip an activity that is not recorded.
            data.IsAllDataRequested = false;
            data.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        }
    }
}
