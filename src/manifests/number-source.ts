import { isScalar, type ScalarTag, type Tags } from 'yaml';

const NUMBER_TAGS = new Set(['tag:yaml.org,2002:int', 'tag:yaml.org,2002:float']);

/**
 * The yaml library writes numbers from their value, so the Document API would turn `012`
 * into `12`, `+12` into `12`, `0x1F` into `0x1f` and `12345678901234567890` into
 * `12345678901234567000`. The same number to JavaScript, but not to the cluster: Kubernetes
 * reads YAML 1.1, where `012` is octal 10, and big integers lose their digits. So a number
 * keeps the text it was written in as long as that text still reads as its value; numbers
 * an edit wrote, or changed, are written as usual. For `customTags` wherever a Document that
 * may be written back is parsed.
 */
export function keepNumberSources(tags: Tags): Tags {
  const numberTags = tags.filter(
    (tag): tag is ScalarTag => typeof tag !== 'string' && NUMBER_TAGS.has(tag.tag) && 'test' in tag,
  );
  const readsAs = (source: string, value: unknown) =>
    numberTags.some((tag) => {
      if (!tag.test?.test(source)) return false;
      const read = tag.resolve(source, () => {}, {});
      // Floats resolve to a Scalar node (which remembers trailing zeros).
      return Object.is(isScalar(read) ? read.value : read, value);
    });
  return tags.map((tag) => {
    if (typeof tag === 'string' || !NUMBER_TAGS.has(tag.tag) || !('stringify' in tag)) return tag;
    const stringify = tag.stringify;
    if (stringify === undefined) return tag;
    const kept: ScalarTag = {
      ...tag,
      stringify(node, ...rest) {
        const { source } = node;
        return node.type === 'PLAIN' && typeof source === 'string' && readsAs(source, node.value)
          ? source
          : stringify(node, ...rest);
      },
    };
    return kept;
  });
}
