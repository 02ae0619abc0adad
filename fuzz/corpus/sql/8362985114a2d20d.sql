SELECT Country FROM sales WHERE sum(Quantity) > 10
