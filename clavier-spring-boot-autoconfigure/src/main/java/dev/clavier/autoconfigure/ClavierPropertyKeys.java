package dev.clavier.autoconfigure;

import java.beans.PropertyDescriptor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.core.ResolvableType;

/**
 * The keys {@link ClavierProperties} accepts, read from its classes as the binder reads them, so
 * that a property added to them is known at once, with no list of keys to keep. A group of
 * settings is a class of the properties class's package; a map whose values are such a class
 * takes any key and then that class's keys (the listeners); any other map or a list takes
 * anything below it (free-form
 * options and headers, indexes). Immutable and thread-safe.
 */
final class ClavierPropertyKeys {

	private final Node root;

	private ClavierPropertyKeys(Node root) {
		this.root = root;
	}

	/**
	 * Returns the keys of a properties class.
	 * @param type the class bound at the root, {@link ClavierProperties}
	 * @return its keys
	 */
	static ClavierPropertyKeys of(Class<?> type) {
		return new ClavierPropertyKeys(node(type, type.getPackageName()));
	}

	private static Node node(Class<?> type, String packageName) {
		Map<String, Child> children = new LinkedHashMap<>();
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
			Method getter = descriptor.getReadMethod();
			if (getter == null || getter.getDeclaringClass() == Object.class) {
				continue;
			}
			String name = DataObjectPropertyName.toDashedForm(descriptor.getName());
			ResolvableType property = ResolvableType.forMethodReturnType(getter);
			Class<?> resolved = property.resolve(Object.class);
			Child child;
			if (isGroup(resolved, packageName)) {
				child = new Child(name, Shape.GROUP, node(resolved, packageName));
			}
			else if (Map.class.isAssignableFrom(resolved) && isGroup(property.asMap().resolveGeneric(1), packageName)) {
				child = new Child(name, Shape.ENTRIES, node(property.asMap().resolveGeneric(1), packageName));
			}
			else if (Map.class.isAssignableFrom(resolved) || Collection.class.isAssignableFrom(resolved)
					|| resolved.isArray()) {
				child = new Child(name, Shape.FREE, null);
			}
			else {
				child = new Child(name, Shape.VALUE, null);
			}
			children.put(uniform(name), child);
		}
		return new Node(children);
	}

	private static boolean isGroup(@Nullable Class<?> type, String packageName) {
		return type != null && !type.isEnum() && type.getPackageName().equals(packageName);
	}

	private static String uniform(String dashed) {
		return dashed.replace("-", "").toLowerCase(Locale.ROOT);
	}

	/**
	 * Returns whether a name below the root is a key, and if not, the valid key nearest to it.
	 * The nearest key is looked for in the innermost scope: one listener's keys for a name below
	 * {@code clavier.listeners.<id>}, else every key that is not below a map.
	 * @param root the root's name, {@code clavier}
	 * @param name the name to check, below the root
	 * @return {@code null} when it is a key, else the nearest valid key in full
	 */
	@Nullable Unknown find(ConfigurationPropertyName root, ConfigurationPropertyName name) {
		Node node = this.root;
		Node scope = this.root;
		int scopeStart = root.getNumberOfElements();
		ConfigurationPropertyName scopeName = root;
		int i = scopeStart;
		int size = name.getNumberOfElements();
		while (i < size) {
			Child child = node.children().get(uniform(name.getElement(i, Form.DASHED)));
			if (child == null || (child.shape() == Shape.VALUE && i < size - 1)) {
				// Up to the first element that is wrong: what follows it cannot be compared.
				StringBuilder relative = new StringBuilder();
				for (int j = scopeStart; j <= i; j++) {
					relative.append((j > scopeStart) ? "." : "").append(name.getElement(j, Form.DASHED));
				}
				String nearest = nearest(relative.toString(), scope.paths(""));
				return new Unknown(name.toString(),
						(nearest != null) ? scopeName.append(nearest).toString() : null);
			}
			switch (child.shape()) {
				case VALUE, FREE -> {
					return null;
				}
				case GROUP -> {
					node = Objects.requireNonNull(child.node());
					i++;
				}
				case ENTRIES -> {
					if (i + 1 >= size) {
						return null;
					}
					node = Objects.requireNonNull(child.node());
					scope = node;
					scopeName = name.chop(i + 2);
					scopeStart = i + 2;
					i += 2;
				}
			}
		}
		return null;
	}

	private static @Nullable String nearest(String written, List<String> candidates) {
		String nearest = null;
		int best = Integer.MAX_VALUE;
		for (String candidate : candidates) {
			int distance = distance(written, candidate);
			if (distance < best) {
				best = distance;
				nearest = candidate;
			}
		}
		return nearest;
	}

	/**
	 * Returns the Levenshtein distance: the fewest insertions, deletions and substitutions of one
	 * character that turn one text into the other.
	 */
	static int distance(String a, String b) {
		int[] previous = new int[b.length() + 1];
		int[] current = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			previous[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			current[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int substitution = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
				current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
			}
			int[] swap = previous;
			previous = current;
			current = swap;
		}
		return previous[b.length()];
	}

	/**
	 * A name that is not a key.
	 *
	 * @param name the name as written, in dashed form
	 * @param nearest the valid key nearest to it, or {@code null} when there is none
	 */
	record Unknown(String name, @Nullable String nearest) {
	}

	private enum Shape {

		/** One value. */
		VALUE,

		/** A group of settings: its own keys below. */
		GROUP,

		/** A map of groups: any key, then the group's keys. */
		ENTRIES,

		/** A free-form map or a list: anything below. */
		FREE

	}

	private record Child(String name, Shape shape, @Nullable Node node) {
	}

	private record Node(Map<String, Child> children) {

		/** Returns every key below this node that is not below a map, relative to it. */
		List<String> paths(String prefix) {
			List<String> paths = new ArrayList<>();
			for (Child child : this.children.values()) {
				switch (child.shape()) {
					case VALUE, FREE -> paths.add(prefix + child.name());
					case GROUP -> paths.addAll(Objects.requireNonNull(child.node()).paths(prefix + child.name() + "."));
					case ENTRIES -> {
					}
				}
			}
			return paths;
		}

	}

}
