        loop $while-continue|4
         local.get $19
         local.get $40
         i32.lt_u
         if
          local.get $21
          local.get $19
          v128.load32_splat
          local.tee $41
          local.get $13
          v128.load8x8_s align=1
          local.tee $39
          i32x4.dot_i16x8_s
          i32x4.add
          local.set $21
          local.get $18
          local.get $41
          local.get $13
          v128.load8x8_s offset=8 align=1
          local.tee $41
          i32x4.dot_i16x8_s
          i32x4.add
          local.set $18
          local.get $22
          local.get $19
          v128.load32_splat offset=4
          local.tee $42
          local.get $39
          i32x4.dot_i16x8_s
          i32x4.add
          local.set $22
          local.get $31
          local.get $42
          local.get $41
          i32x4.dot_i16x8_s
          i32x4.add
          local.set $31
          local.get $23
          local.get $19
          v128.load32_splat offset=8
          local.tee $42
          local.get $39
          i32x4.dot_i16x8_s
          i32x4.add
          local.set $23
          local.get $32
          local.get $42
          local.get $41
          i32x4.dot_i16x8_s
          i32x4.add
          local.set $32
          local.get $24
          local.get $19
          v128.load32_splat offset=12
          local.tee $42
          local.get $39
          i32x4.dot_i16x8_s
          i32x4.add
          local.set $24
          local.get $33
          local.get $42
          local.get $41
          i32x4.dot_i16x8_s
          i32x4.add
          local.set $33
          local.get $19
          i32.const 16
          i32.add
          local.set $19
          local.get $13
          i32.const 16
          i32.add
          local.set $13
          br $while-continue|4
         end
        end