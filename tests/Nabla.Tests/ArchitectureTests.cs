using System.Reflection;
using System.Reflection.Emit;

namespace Nabla.Tests;

/// <summary>
/// DESIGN.md's layering, checked on the compiled library: each layer only calls the ones below it. Every type of a
/// layer is scanned — base types, fields, signatures and every type or member its method bodies reference — and a
/// reference to a type of a higher layer fails the test with the list of offending uses.
/// </summary>
public class ArchitectureTests
{
    private static readonly Assembly Library = typeof(Tensor).Assembly;

    // The Keras API and everything built on it (layer 4 and up), as namespaces plus the root-namespace types.
    private static readonly string[] KerasNamespaces =
        ["Nabla.Layers", "Nabla.Models", "Nabla.Optimizers", "Nabla.Losses", "Nabla.Metrics", "Nabla.Callbacks",
         "Nabla.Activations", "Nabla.Initializers", "Nabla.Regularizers", "Nabla.Data", "Nabla.Datasets"];

    private static readonly string[] KerasRootTypes = ["Nabla.Model", "Nabla.Sequential", "Nabla.History"];

    private static readonly Dictionary<short, OperandType> OperandTypes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(op => op.Value, op => op.OperandType);

    [Fact]
    public void Kernels_reference_no_other_part_of_Nabla()
    {
        // Layer 1 works on spans and sizes only: no Tensor, no tape, nothing above.
        string[] uses = UsesOutside(t => InNamespace(t, "Nabla.Kernels"), t => InNamespace(t, "Nabla") && !InNamespace(t, "Nabla.Kernels"));
        Assert.True(uses.Length == 0, "Kernels reach above themselves:\n" + string.Join('\n', uses));
    }

    [Fact]
    public void Tensors_and_autodiff_do_not_reference_the_Keras_API()
    {
        static bool Engine(Type t) =>
            InNamespace(t, "Nabla.Tensors") || InNamespace(t, "Nabla.Autodiff") || InNamespace(t, "Nabla.Kernels") || t.FullName == "Nabla.Tensor";

        string[] uses = UsesOutside(Engine, IsKeras);
        Assert.True(uses.Length == 0, "The engine reaches into the Keras API:\n" + string.Join('\n', uses));
    }

    [Fact]
    public void The_scan_sees_references_made_inside_method_bodies()
    {
        // The detector itself: this test class's body calls Model (a Keras type), so a scan of it must report it.
        string[] uses = UsesOutside(t => t == typeof(Probe), IsKeras, typeof(Probe).Assembly);
        Assert.Contains(uses, u => u.Contains("Nabla.Model", StringComparison.Ordinal));
    }

    private static bool IsKeras(Type t) =>
        KerasRootTypes.Contains(t.FullName) || KerasNamespaces.Any(ns => InNamespace(t, ns));

    private static bool InNamespace(Type t, string ns)
    {
        while (t.DeclaringType is Type outer)
        {
            t = outer;
        }

        string? name = t.Namespace;
        return name is not null && (name == ns || name.StartsWith(ns + ".", StringComparison.Ordinal));
    }

    private static string[] UsesOutside(Func<Type, bool> scanned, Func<Type, bool> forbidden, Assembly? assembly = null)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (Type type in (assembly ?? Library).GetTypes().Where(scanned))
        {
            void Check(Type? used, string where)
            {
                foreach (Type t in Expand(used))
                {
                    if (forbidden(t))
                    {
                        found.Add($"{type.FullName} {where} uses {t.FullName}");
                    }
                }
            }

            Check(type.BaseType, "derives from");
            foreach (Type i in type.GetInterfaces())
            {
                Check(i, "implements");
            }

            foreach (FieldInfo f in type.GetFields(all))
            {
                Check(f.FieldType, $"field {f.Name}");
            }

            foreach (MethodBase m in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                if (m is MethodInfo mi)
                {
                    Check(mi.ReturnType, $"{m.Name} returns");
                }

                foreach (ParameterInfo p in m.GetParameters())
                {
                    Check(p.ParameterType, $"{m.Name} parameter {p.Name}");
                }

                foreach (Type used in BodyReferences(m))
                {
                    Check(used, $"{m.Name} body");
                }
            }
        }

        return [.. found];
    }

    // The declaring types of every member, and every type, that a method body's IL references.
    private static IEnumerable<Type> BodyReferences(MethodBase method)
    {
        byte[]? il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        Type[]? typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        Type[]? methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int i = 0; i < il.Length;)
        {
            short code = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            OperandType operand = OperandTypes[code];
            if (operand is OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok)
            {
                int token = BitConverter.ToInt32(il, i);
                MemberInfo? member = method.Module.ResolveMember(token, typeArgs, methodArgs);
                if (member is Type t)
                {
                    yield return t;
                }
                else if (member?.DeclaringType is Type declaring)
                {
                    yield return declaring;
                }
            }

            i += operand switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, i)),
                _ => 4,
            };
        }
    }

    // A type and the types it is built from: element types and generic arguments.
    private static IEnumerable<Type> Expand(Type? type)
    {
        if (type is null || type.IsGenericParameter)
        {
            yield break;
        }

        if (type.HasElementType)
        {
            foreach (Type t in Expand(type.GetElementType()))
            {
                yield return t;
            }

            yield break;
        }

        yield return type;
        if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            foreach (Type t in type.GetGenericArguments().SelectMany(Expand))
            {
                yield return t;
            }
        }
    }

    private static class Probe
    {
        public static string Touch() => typeof(Model).Name + new Sequential().Name;
    }
}
