SELECT substr() FROM sales
