using System.Reflection;

namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>The split of <see cref="TestLane"/> keeps each collection, and so each fixture, in one process.</summary>
public sealed class TestLaneTests
{
    private static readonly IReadOnlyList<Type> TestClasses = typeof(TestLaneTests).Assembly.GetTypes()
        .Where(type => type.GetMethods().Any(method => method.GetCustomAttributes<FactAttribute>().Any()))
        .ToList();

    [Fact]
    public void Every_class_of_a_collection_is_in_the_same_lane()
    {
        var collections = TestClasses
            .Where(type => type.GetCustomAttribute<CollectionAttribute>() is not null)
            .GroupBy(type => type.GetCustomAttributesData().Single(a => a.AttributeType == typeof(CollectionAttribute)).ConstructorArguments[0].Value);

        Assert.All(collections, collection => Assert.Single(collection.Select(LaneOf).Distinct()));
        Assert.Contains(TestClasses, type => LaneOf(type) == TestLane.Second);
    }

    [Fact]
    public void The_tests_that_signal_an_AppHost_process_stay_in_the_foreground_lane() =>
        Assert.All(
            TestClasses.Where(type => type.GetConstructors().Any(c => c.GetParameters().Any(p => p.ParameterType == typeof(AppHostProcessFixture)))),
            type => Assert.Null(LaneOf(type)));

    private static string? LaneOf(Type type) => type.GetCustomAttributesData()
        .Where(a => a.AttributeType == typeof(TraitAttribute) && (string?)a.ConstructorArguments[0].Value == TestLane.Trait)
        .Select(a => (string?)a.ConstructorArguments[1].Value)
        .SingleOrDefault();
}
