SELECT Country,, Quantity FROM sales
