namespace WorkQueues.AppHost.Messaging;

/// <summary>
/// Loads the broker's code in parallel, beside RabbitMQ's boot. RabbitMQ 3.10 reads the attributes of every module of
/// every application it loads (about 1,100 modules) to find its feature flags and boot steps, loading them one at a time:
/// measured at 2–3 s of a 6 s boot on two cores. The same modules, found the same way and loaded together with
/// <c>code:ensure_modules_loaded/1</c> by a process of their own while RabbitMQ starts, are loaded by the time it looks
/// for them: the node accepts connections after about 2 s instead of 6.
/// </summary>
/// <remarks>
/// Given as <c>ERL_AFLAGS</c>, which <c>erl</c> puts at the start of its command line: the <c>-eval</c> runs before the
/// <c>-s rabbit boot</c> that <c>rabbitmq-server</c> passes, and only starts the preload's process. The applications
/// are RabbitMQ and the enabled plugins with everything they depend on, read from their <c>.app</c> files: what
/// RabbitMQ loads itself. When both load the same application or module at once, the application controller and the
/// code server take one request at a time and <c>ensure_modules_loaded</c> skips what is loaded, so each is loaded
/// once, by whichever asks first (an application RabbitMQ unloads again at that moment is skipped, which costs only
/// speed). An error in the preload is printed and the boot goes on as without it; an escript
/// (RabbitMQ's CLI tools, should one ever be started with this environment) skips it. The expression holds no single
/// quote: <c>erl</c> splits the variable on spaces outside single quotes.
/// </remarks>
public static class ErlangCodePreload
{
    public const string Variable = "ERL_AFLAGS";

    /// <summary>The preload's process on the node, registered while it runs.</summary>
    public const string ProcessName = "workqueues_code_preload";

    /// <summary>
    /// How the line starts that the node prints, in its console log, when the preload ran: how many modules it asked
    /// for, and how many of them were still not loaded after it.
    /// </summary>
    public const string DoneMarker = "Preloaded RabbitMQ code:";

    /// <summary>How the line starts that the node prints instead when the preload failed while it ran.</summary>
    public const string FailedMarker = "Preloading RabbitMQ code failed:";

    private static readonly string[] Expression =
    [
        "case init:get_argument(escript) of",
        "  {ok, _} -> ok;",
        "  error ->",
        "    Preload = fun() ->",
        "      try",
        "        Started = erlang:monotonic_time(millisecond),",
        "        Roots = case file:consult(os:getenv(\"RABBITMQ_ENABLED_PLUGINS_FILE\", \"\")) of",
        "          {ok, [Plugins]} when is_list(Plugins) -> [rabbit | Plugins];",
        "          _ -> [rabbit]",
        "        end,",
        "        WithDependencies = fun WithDependencies([], Seen) -> Seen;",
        "          WithDependencies([App | Rest], Seen) ->",
        "            case lists:member(App, Seen) of",
        "              true -> WithDependencies(Rest, Seen);",
        "              false ->",
        "                application:load(App),",
        "                Needs = [Dep || Key <- [applications, included_applications], {ok, Deps} <- [application:get_key(App, Key)], Dep <- Deps],",
        "                WithDependencies(Needs ++ Rest, [App | Seen])",
        "            end",
        "        end,",
        "        Apps = WithDependencies(Roots, []),",
        "        Modules = [Module || App <- Apps, {ok, Ms} <- [application:get_key(App, modules)], Module <- Ms],",
        "        code:ensure_modules_loaded(Modules),",
        "        NotLoaded = length([Module || Module <- Modules, not erlang:module_loaded(Module)]),",
        $"        io:format(\"{DoneMarker} ~b modules of ~b applications in ~b ms, ~b not loaded~n\",",
        "          [length(Modules), length(Apps), erlang:monotonic_time(millisecond) - Started, NotLoaded])",
        "      catch Class:Reason ->",
        $"        io:format(\"{FailedMarker} ~p:~p; booting without it~n\", [Class, Reason])",
        "      end",
        "    end,",
        // Named before it starts, so a finished preload cannot make the registration fail.
        "    Process = spawn(fun() -> receive start -> Preload() end end),",
        $"    register({ProcessName}, Process),",
        "    Process ! start",
        "end.",
    ];

    /// <summary>The value of <see cref="Variable"/>: one <c>-eval</c> of the preload, as one line.</summary>
    public static string Flags { get; } = $"-eval '{string.Join(' ', Expression.Select(line => line.Trim()))}'";
}
