package kafka

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

// topicConfigRule is what the brokers accept as the value of a topic
// config: a whole number (64 or 32 bits, as Java parses it) of at least
// min, or a comma-separated list of the names in list.
type topicConfigRule struct {
	bits int   // 64 or 32 for a number
	min  int64 // the smallest number
	list []string
}

// topicConfigRules are the topic configs whose values CreateTopics checks
// itself, with Apache Kafka's rules, so that the in-process broker of
// package kafkatest (which stores any value) refuses what Kafka refuses.
var topicConfigRules = map[string]topicConfigRule{
	"retention.ms":          {bits: 64, min: -1},
	"retention.bytes":       {bits: 64, min: math.MinInt64},
	"delete.retention.ms":   {bits: 64, min: 0},
	"segment.ms":            {bits: 64, min: 1},
	"min.compaction.lag.ms": {bits: 64, min: 0},
	"max.message.bytes":     {bits: 32, min: 0},
	"min.insync.replicas":   {bits: 32, min: 1},
	"cleanup.policy":        {list: []string{"compact", "delete"}},
}

// checkTopicConfigs checks the values of the configs of topicConfigRules
// in configs; the brokers check every other config, name and value.
func checkTopicConfigs(configs map[string]string) error {
	for name, v := range configs {
		rule, ok := topicConfigRules[name]
		if !ok {
			continue
		}
		v = strings.TrimSpace(v) // Kafka trims values before parsing them
		if rule.list != nil {
			for item := range strings.SplitSeq(v, ",") {
				if item = strings.TrimSpace(item); item != "" && !slices.Contains(rule.list, item) {
					return configErr("topic config %s=%q: %q is not one of %s", name, configs[name], item, strings.Join(rule.list, ", "))
				}
			}
			continue
		}
		n, err := strconv.ParseInt(v, 10, rule.bits)
		if err != nil {
			return configErr("topic config %s=%q: not a whole number of %d bits", name, configs[name], rule.bits)
		}
		if n < rule.min {
			return configErr("topic config %s=%q: less than %d", name, configs[name], rule.min)
		}
	}
	return nil
}
