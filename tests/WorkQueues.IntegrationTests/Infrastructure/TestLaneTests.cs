using System.Reflection;

namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>The split of <see cref="TestLane"/> keeps each collection, and so each fixture, in one process.</summary>
public sealed class TestLaneTests
{
    private static readonly IReadOnlyList<Type> TestClasses = typeof(TestLaneTests).Assembly.GetTypes()
        .Where(type => TestMethods(type).Any())
        .ToList();

    [Fact]
    public void Every_test_of_a_collection_is_in_the_same_lane()
    {
        // A class without a [Collection] is a collection of its own.
        var collections = TestClasses.GroupBy(type =>
            type.GetCustomAttributesData().SingleOrDefault(a => a.AttributeType == typeof(CollectionAttribute))?.ConstructorArguments[0].Value
            ?? type.FullName);

        Assert.All(collections, collection => Assert.Single(collection
            .SelectMany(type => TestMethods(type).Select(method => LaneOf(method) ?? LaneOf(type)))
            .Distinct()));
        Assert.Contains(TestClasses, type => LaneOf(type) == TestLane.Second);
    }

    private static IEnumerable<MethodInfo> TestMethods(Type type) =>
        type.GetMethods().Where(method => method.GetCustomAttributes<FactAttribute>().Any());

    /// <summary>The lane a class or method names itself, if it does.</summary>
    private static string? LaneOf(MemberInfo member) => member.GetCustomAttributesData()
        .Where(a => a.AttributeType == typeof(TraitAttribute) && (string?)a.ConstructorArguments[0].Value == TestLane.Trait)
        .Select(a => (string?)a.ConstructorArguments[1].Value)
        .SingleOrDefault();
}
