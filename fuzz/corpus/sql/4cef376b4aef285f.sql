SELECT max(Quantity) - min(Quantity), sum(Quantity * Price) / sum(Quantity) FROM sales
