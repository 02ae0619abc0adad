SELECT Country FROM sales GROUP Country
